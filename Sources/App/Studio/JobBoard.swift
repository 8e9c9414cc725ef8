public import Foundation
public import Pipeline
public import Compose
import Synchronization

/// The jobs the studio has accepted, with no HTTP in it: each runs its pipeline request on a
/// thread of its own (never on Swift's cooperative pool, which the HTTP handlers need), at
/// most ``concurrency`` at a time, at most ``queueLimit`` waiting, writing into a folder of
/// its own under ``root``.
public final class JobBoard: Sendable {
  /// A job's state as `GET /api/jobs/:id` reports it.
  public enum State: String, Sendable, Codable { case queued, running, done, failed, cancelled }

  /// Why a job was not accepted.
  public enum Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request is bad (unknown model or genre, a value out of range).
    case invalid(PipelineError)
    /// ``queueLimit`` jobs already wait; try again later.
    case queueFull(waiting: Int)
    /// The job's folder could not be made.
    case storage(String)

    public var description: String {
      switch self {
      case .invalid(let error): error.description
      case .queueFull(let waiting): "the studio is busy: \(waiting) jobs are waiting; try again shortly"
      case .storage(let why): why
      }
    }
  }

  /// How a job ended, when it did not succeed.
  public struct Failure: Sendable, Hashable {
    public var message: String
    /// The pipeline error, when the failure was one (nil: an unexpected error).
    public var error: PipelineError?
  }

  /// Where a job stands: its state, its result (done) and its failure (failed or cancelled).
  public struct Outcome: Sendable {
    public var state: State
    public var result: PipelineResult? = nil
    public var failure: Failure? = nil
  }

  /// One accepted job.
  public final class Record: @unchecked Sendable {
    public let id: String
    public let kind: String
    public let folder: URL
    public let progress = JobProgress()
    /// Guards ``current`` (read by the HTTP handlers, written by the job's thread). A lock and a
    /// plain property, not a `Mutex` of a tuple: with Swift 6.3.1 in debug builds, reading a
    /// `Mutex<(State, PipelineResult?, Failure?)>` out by `withLock { $0 }` gave back a failure
    /// of nil and then crashed the server in `swift_release` (reproduced by cancelling a job
    /// and reading its status; the studio tests caught it).
    private let lock = NSLock()
    private var current = Outcome(state: .queued)

    init(id: String, kind: String, folder: URL) {
      self.id = id
      self.kind = kind
      self.folder = folder
    }

    /// A copy of where the job stands.
    public var outcome: Outcome { lock.withLock { current } }

    /// Replaces where the job stands.
    func set(_ outcome: Outcome) { lock.withLock { current = outcome } }

    /// The names of the files a finished job made, by kind (`midi` → `score.mid`).
    public var files: [String: String] {
      (outcome.result?.files ?? [:]).mapValues { URL(fileURLWithPath: $0).lastPathComponent }
    }
  }

  public let root: URL
  public let workbench: Workbench
  public let context: JobContext
  /// Jobs that run at once; the rest wait their turn. Two on a two-core machine: each job is
  /// already parallel inside (analysis, rendering).
  public let concurrency: Int
  /// Jobs that may wait; one more is refused with ``Rejection/queueFull(waiting:)`` (503).
  public let queueLimit: Int
  /// Finished jobs kept (with their files) before the oldest are deleted.
  public let retained: Int

  private let records = Mutex<(byID: [String: Record], order: [String], counter: Int)>(([:], [], 0))
  /// Jobs waiting, in submission order, and how many run: the gate admits the first waiting
  /// job whenever fewer than ``concurrency`` run, so jobs start in the order they came.
  private let gate = NSCondition()
  nonisolated(unsafe) private var waiting: [String] = []
  nonisolated(unsafe) private var running = 0

  public init(
    root: URL, workbench: Workbench, genres: GenreRegistry = .standard, concurrency: Int = 2, queueLimit: Int = Limits.defaultQueuedJobs,
    retained: Int = 64
  ) {
    self.root = root
    self.workbench = workbench
    self.context = JobContext(genres: genres, corpusSize: workbench.corpusSize)
    self.concurrency = max(1, concurrency)
    self.queueLimit = max(1, queueLimit)
    self.retained = max(1, retained)
  }

  /// Builds the job's request, validates it, gives it a folder and queues it. Throws at once
  /// for a bad request or a full queue; nothing is written then.
  public func submit<Job: StudioJob>(_ job: Job) throws(Rejection) -> Record {
    let id = records.withLock { r -> String in
      r.counter += 1
      // Ids that cannot be guessed from one another, and are safe as folder names.
      return String(format: "%@-%04d-%08x", Job.kind, r.counter, UInt32.random(in: 0...UInt32.max))
    }
    let folder = root.appendingPathComponent(id, isDirectory: true)
    let request: Job.Request
    do {
      request = try job.request(in: folder, context: context)
      try request.validate(workbench)
    } catch {
      throw .invalid(error)
    }
    let record = Record(id: id, kind: Job.kind, folder: folder)
    gate.lock()
    guard waiting.count < queueLimit else {
      let count = waiting.count
      gate.unlock()
      throw .queueFull(waiting: count)
    }
    waiting.append(id)
    gate.unlock()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      leave(id)
      throw .storage("cannot create the job folder \(folder.path): \(error)")
    }
    let evicted = records.withLock { r -> [Record] in
      var evicted: [Record] = []
      let finished = r.order.filter { r.byID[$0].map { [.done, .failed, .cancelled].contains($0.outcome.state) } ?? false }
      for old in finished.prefix(max(0, r.order.count + 1 - retained)) {
        if let rec = r.byID.removeValue(forKey: old) { evicted.append(rec) }
        r.order.removeAll { $0 == old }
      }
      r.byID[id] = record
      r.order.append(id)
      return evicted
    }
    for rec in evicted { try? FileManager.default.removeItem(at: rec.folder) }
    let workbench = workbench
    let thread = Thread { [self] in
      guard admit(id) else { return }
      Self.run(request, record: record, workbench: workbench)
      gate.lock()
      running -= 1
      gate.broadcast()
      gate.unlock()
    }
    // The pipeline's stack frames are large (decoding, rendering); Foundation's default for
    // secondary threads (512 KiB) is not enough.
    thread.stackSize = 16 << 20
    thread.start()
    return record
  }

  private static func run(_ request: some PipelineRequest, record: Record, workbench: Workbench) {
    if record.progress.isCancelled {
      finish(record, .cancelled, Failure(message: "cancelled", error: .cancelled))
      return
    }
    record.set(Outcome(state: .running))
    do {
      let result = try request.run(workbench, progress: record.progress)
      if record.progress.isCancelled {
        finish(record, .cancelled, Failure(message: "cancelled", error: .cancelled))
      } else {
        record.set(Outcome(state: .done, result: result))
      }
    } catch let error as PipelineError {
      finish(record, error == .cancelled ? .cancelled : .failed, Failure(message: error.description, error: error))
    } catch {
      finish(record, .failed, Failure(message: String(describing: error), error: nil))
    }
  }

  /// Ends a job that made nothing usable: its folder is removed so no partial file is served.
  private static func finish(_ record: Record, _ state: State, _ failure: Failure) {
    try? FileManager.default.removeItem(at: record.folder)
    record.set(Outcome(state: state, failure: failure))
  }

  /// Waits until `id` is first in line and a slot is free; false when it was cancelled while
  /// waiting (it never runs).
  private func admit(_ id: String) -> Bool {
    gate.lock()
    defer { gate.unlock() }
    while waiting.first != id || running >= concurrency {
      guard waiting.contains(id) else { return false }
      gate.wait()
    }
    waiting.removeFirst()
    running += 1
    gate.broadcast()
    return true
  }

  /// Takes `id` out of the line; true when it was waiting.
  @discardableResult
  private func leave(_ id: String) -> Bool {
    gate.lock()
    defer { gate.unlock() }
    let wasWaiting = waiting.contains(id)
    waiting.removeAll { $0 == id }
    gate.broadcast()
    return wasWaiting
  }

  public func record(_ id: String) -> Record? { records.withLock { $0.byID[id] } }

  /// How many jobs wait and run now.
  public var load: (waiting: Int, running: Int) {
    gate.lock()
    defer { gate.unlock() }
    return (waiting.count, running)
  }

  /// Cancels a job: a queued one leaves the line at once and never runs; a running one stops
  /// at its next stage boundary.
  public func cancel(_ id: String) -> Record? {
    guard let r = record(id) else { return nil }
    r.progress.cancel()
    if leave(id) { Self.finish(r, .cancelled, Failure(message: "cancelled", error: .cancelled)) }
    return r
  }

  /// The path of a finished job's file, or nil when the job or file is unknown: only names the
  /// job itself reported are served, so no request can reach another path.
  public func file(_ id: String, _ name: String) -> URL? {
    guard let r = record(id), r.files.values.contains(name) else { return nil }
    return r.folder.appendingPathComponent(name)
  }
}
