import Synchronization

/// How far a job has got, and whether someone asked it to stop. Shared between the thread that
/// runs the job and the requests that poll or cancel it.
public final class JobProgress: Sendable {
  public struct Snapshot: Sendable, Hashable, Codable {
    /// 0…1 over the whole job.
    public var fraction: Double
    /// What the job is doing now ("analysing", "rendering", ...).
    public var stage: String
  }

  private let state = Mutex<(snapshot: Snapshot, cancelled: Bool)>((Snapshot(fraction: 0, stage: "queued"), false))

  public init() {}

  public var snapshot: Snapshot { state.withLock { $0.snapshot } }
  public var isCancelled: Bool { state.withLock { $0.cancelled } }

  /// Asks the job to stop at its next check.
  public func cancel() { state.withLock { $0.cancelled = true } }

  /// Enters a stage that covers `fraction` (0…1) onwards. Throws when the job was cancelled,
  /// so every stage boundary is a cancellation point.
  public func stage(_ name: String, at fraction: Double) throws(StudioError) {
    try check()
    state.withLock { $0.snapshot = Snapshot(fraction: min(1, max(0, fraction)), stage: name) }
  }

  /// Progress within the current stage, mapped to `from…to` of the whole.
  public func update(_ done: Int, of total: Int, from: Double, to: Double) {
    let f = total > 0 ? from + (to - from) * Double(done) / Double(total) : from
    state.withLock { $0.snapshot.fraction = min(1, max($0.snapshot.fraction, f)) }
  }

  /// Throws ``StudioError/cancelled`` once ``cancel()`` has been called.
  public func check() throws(StudioError) {
    if isCancelled { throw .cancelled }
  }
}
