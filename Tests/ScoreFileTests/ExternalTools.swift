import Foundation
import _TestSupport

/// Runs the Python checkers in Tests/Tooling (mido, music21), which scripts/test installs.
enum ExternalTools {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func python(_ script: String, _ arguments: String...) throws -> [String: Any] {
    let out = try CommandRunner.python(script, arguments)
    guard out.status == 0, let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else {
      throw Failure(description: "\(script) failed: " + out.stderr)
    }
    return object
  }
}
