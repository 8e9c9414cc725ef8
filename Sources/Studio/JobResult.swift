/// What a finished job made: its files by kind, and a one-line summary.
public struct JobResult: Sendable, Hashable, Codable {
  /// Kind → file name inside the job's folder: `midi`, `audio`, `roll`, `provenance`,
  /// `timing`, `comparison`, `a_audio`, `b_audio`, ...
  public var files: [String: String]
  /// What the command line would have printed.
  public var summary: String
  /// Small facts the page shows (key, tempo, counts).
  public var facts: [String: String]

  public init(files: [String: String] = [:], summary: String = "", facts: [String: String] = [:]) {
    self.files = files
    self.summary = summary
    self.facts = facts
  }
}
