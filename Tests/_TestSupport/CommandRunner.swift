import Foundation

/// Runs the built `eigentone` executable and captures what it prints.
public enum CommandRunner {
  public struct Output: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  public static func eigentone(_ arguments: [String], directory: String = Repository.root, environment: [String: String]? = nil) throws -> Output {
    try run(Repository.executable, arguments, directory: directory, environment: environment)
  }

  /// Runs a Python checker from Tests/Tooling (test tooling: mido, music21, pyloudnorm).
  public static func python(_ script: String, _ arguments: [String]) throws -> Output {
    try run("/usr/bin/env", ["python3", Repository.root + "/Tests/Tooling/" + script] + arguments)
  }

  /// Runs a checker in Tests/Tooling that prints one JSON object, and returns that object.
  public static func pythonJSON(_ script: String, _ arguments: String...) throws -> [String: Any] {
    try pythonJSON(script, arguments)
  }

  /// ``pythonJSON(_:_:)-(String,String...)`` with the arguments as an array.
  public static func pythonJSON(_ script: String, _ arguments: [String]) throws -> [String: Any] {
    let out = try python(script, arguments)
    guard out.status == 0, let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else {
      throw ToolFailure(description: "\(script) failed: " + out.stderr)
    }
    return object
  }

  /// A checker that exited non-zero or printed something other than a JSON object.
  public struct ToolFailure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
  }

  /// The process environment with the portrait cache moved to `cache`.
  public static func environment(cache: String) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["EIGENTONE_CACHE"] = cache
    return env
  }

  public static func run(_ executable: String, _ arguments: [String], directory: String = Repository.root, environment: [String: String]? = nil) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a large output cannot fill a pipe and block.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
