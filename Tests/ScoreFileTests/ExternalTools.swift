import Foundation
import _TestSupport

/// Runs the Python checkers in Tests/Tooling (mido, music21), which scripts/test installs.
enum ExternalTools {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func python(_ script: String, _ arguments: String...) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Repository.root + "/Tests/Tooling/" + script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw Failure(description: "\(script) failed: " + String(decoding: errors, as: UTF8.self))
    }
    return object
  }
}
