/// A request both front ends make: the command line builds one from its arguments, the studio
/// from a JSON body; both then call ``validate(_:)`` and ``run(_:progress:)``, so each
/// pipeline is written once.
public protocol PipelineRequest: Sendable {
  /// `compose`, `compare`, `sonify`, ...: the studio's route and job-id prefix.
  static var kind: String { get }
  /// Throws when the request cannot be run (unknown model, values out of range), before any
  /// work or file.
  func validate(_ models: any ModelSource) throws(PipelineError)
  /// Runs the request and writes its outputs.
  func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult
}

/// What a finished request made: its files by kind, a one-line summary, small facts, and the
/// audio report when it rendered.
public struct PipelineResult: Sendable, Hashable {
  /// Kind → path of each file written: `midi`, `audio`, `roll`, `provenance`, `timing`,
  /// `comparison`, `a_audio`, `b_audio`, ...
  public var files: [String: String]
  /// What happened, in one line without paths (the command line adds where it wrote).
  public var summary: String
  /// Small facts the studio page shows (key, tempo, counts).
  public var facts: [String: String]
  /// Loudness and speed of the main rendering, when there was one.
  public var audio: AudioReport?

  public init(files: [String: String] = [:], summary: String = "", facts: [String: String] = [:], audio: AudioReport? = nil) {
    self.files = files
    self.summary = summary
    self.facts = facts
    self.audio = audio
  }
}

extension Double {
  /// A tempo or other number as people write it: `138`, `138.5`.
  var plain: String { self == rounded() && abs(self) < 1e15 ? "\(Int(self))" : "\(self)" }
}
