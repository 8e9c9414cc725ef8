/// How a request reports where it is, and how it learns it should stop. The command line draws
/// a bar on stderr (only on a terminal); the studio keeps a fraction and a stage name that the
/// page polls, and cancels on `DELETE`.
public protocol PipelineProgress: Sendable {
  /// Enters a stage that covers `fraction` (0…1) of the request onwards. Throws
  /// ``PipelineError/cancelled`` when the request was cancelled, so every stage boundary is a
  /// cancellation point.
  func stage(_ name: String, at fraction: Double) throws(PipelineError)
  /// Progress within the current stage (`done` of `total` items, the item's name), mapped to
  /// `from…to` of the whole.
  func update(_ done: Int, of total: Int, from: Double, to: Double, item: String)
  /// A line worth telling the person watching (the command line prints it on stderr).
  func note(_ line: String)
}

extension PipelineProgress {
  public func note(_ line: String) {}
}

/// Progress nobody watches.
public struct SilentProgress: PipelineProgress {
  public init() {}
  public func stage(_ name: String, at fraction: Double) throws(PipelineError) {}
  public func update(_ done: Int, of total: Int, from: Double, to: Double, item: String) {}
}
