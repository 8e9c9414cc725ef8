public import Pipeline
import Foundation

/// How far a job has got, and whether someone asked it to stop. Shared between the thread that
/// runs the job and the requests that poll or cancel it.
public final class JobProgress: PipelineProgress, @unchecked Sendable {
  public struct Snapshot: Sendable, Hashable, Codable {
    /// 0…1 over the whole job.
    public var fraction: Double
    /// What the job is doing now ("analysing", "rendering", ...).
    public var stage: String
  }

  // Plain stored properties behind a lock: a `Mutex` holding a tuple of optional structs
  // returned wrong values in debug builds with Swift 6.3.1 (see JobBoard.Record).
  private let lock = NSLock()
  private var current = Snapshot(fraction: 0, stage: "queued")
  private var cancelled = false

  public init() {}

  public var snapshot: Snapshot { lock.withLock { current } }
  public var isCancelled: Bool { lock.withLock { cancelled } }

  /// Asks the job to stop at its next stage boundary.
  public func cancel() { lock.withLock { cancelled = true } }

  public func stage(_ name: String, at fraction: Double) throws(PipelineError) {
    if isCancelled { throw .cancelled }
    lock.withLock { current = Snapshot(fraction: min(1, max(0, fraction)), stage: name) }
  }

  public func update(_ done: Int, of total: Int, from: Double, to: Double, item: String) {
    let f = total > 0 ? from + (to - from) * Double(done) / Double(total) : from
    lock.withLock { current.fraction = min(1, max(current.fraction, f)) }
  }
}
