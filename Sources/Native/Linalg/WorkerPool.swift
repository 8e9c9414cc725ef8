import Dispatch
import Foundation
import Synchronization

/// Worker threads that stay awake between the many short parallel steps of a forward pass.
///
/// A forward pass hands work to another core about 150 times, a fraction of a millisecond
/// apart. Waking a sleeping thread for each (Dispatch's `concurrentPerform`) cost up to a
/// millisecond per hand-off on this virtual machine, and made passes vary by 2×; these workers
/// instead spin on an atomic for about a millisecond after each step (as OpenMP's do) and only
/// then sleep. Work is split by part index, so results never depend on which thread ran what.
public final class WorkerPool: @unchecked Sendable {
  /// One worker per core beyond the caller's.
  public static let shared = WorkerPool(workers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

  /// Threads besides the caller's.
  public let workers: Int
  private let generation = Atomic<Int>(0)
  private let remaining = Atomic<Int>(0)
  private let sleepers = Atomic<Int>(0)
  private let wake = DispatchSemaphore(value: 0)
  private let caller = NSLock()
  /// The current step; written by the caller before `generation` is published, read by the
  /// workers after they see it (the atomic's ordering makes that safe).
  private var body: (@Sendable (Int) -> Void)?
  private var parts = 0

  init(workers: Int) {
    self.workers = workers
    for index in 0..<workers {
      let thread = Thread { [self] in work(index + 1) }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  /// Runs `body(0) … body(parts − 1)`, part 0 on this thread and the others on the workers;
  /// returns when all are done. `parts` is clamped to 1 … workers + 1. When another thread is
  /// already using the pool, every part runs here instead (same results, no waiting).
  public func run(parts requested: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let n = max(1, min(requested, workers + 1))
    guard n > 1, caller.try() else {
      for part in 0..<n { body(part) }
      return
    }
    defer { caller.unlock() }
    self.body = body
    self.parts = n
    remaining.store(workers, ordering: .sequentiallyConsistent)
    generation.add(1, ordering: .sequentiallyConsistent)
    if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
      for _ in 0..<workers { wake.signal() }
    }
    body(0)
    while remaining.load(ordering: .acquiring) > 0 {}
    self.body = nil
  }

  private func work(_ part: Int) {
    var seen = 0
    while true {
      var spins = 0
      while generation.load(ordering: .acquiring) == seen {
        spins += 1
        if spins > 400_000 {
          // About a millisecond without work: sleep until the next step.
          sleepers.add(1, ordering: .sequentiallyConsistent)
          if generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
          sleepers.subtract(1, ordering: .sequentiallyConsistent)
          spins = 0
        }
      }
      seen = generation.load(ordering: .acquiring)
      if part < parts, let body { body(part) }
      remaining.subtract(1, ordering: .releasing)
    }
  }
}
