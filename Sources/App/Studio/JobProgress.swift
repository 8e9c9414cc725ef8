public import Pipeline
import Synchronization

/// How far a job has got, and whether someone asked it to stop. Shared between the thread that
/// runs the job and the requests that poll or cancel it.
public final class JobProgress: PipelineProgress {
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

  /// Asks the job to stop at its next stage boundary.
  public func cancel() { state.withLock { $0.cancelled = true } }

  public func stage(_ name: String, at fraction: Double) throws(PipelineError) {
    if isCancelled { throw .cancelled }
    state.withLock { $0.snapshot = Snapshot(fraction: min(1, max(0, fraction)), stage: name) }
  }

  public func update(_ done: Int, of total: Int, from: Double, to: Double, item: String) {
    let f = total > 0 ? from + (to - from) * Double(done) / Double(total) : from
    state.withLock { $0.snapshot.fraction = min(1, max($0.snapshot.fraction, f)) }
  }
}
