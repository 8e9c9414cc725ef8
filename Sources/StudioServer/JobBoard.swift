public import Foundation
public import Studio
import Synchronization

/// The jobs a server has accepted: each runs on a thread of its own (never on Swift's
/// cooperative pool, which the HTTP handlers need), at most ``JobBoard/concurrency`` at a
/// time, writing into a folder of its own under ``JobBoard/root``.
public final class JobBoard: Sendable {
  /// A job's state as `GET /api/jobs/:id` reports it.
  public enum State: String, Sendable, Codable { case queued, running, done, failed, cancelled }

  /// One accepted job.
  public final class Record: Sendable {
    public let id: String
    public let kind: String
    public let folder: URL
    public let progress = JobProgress()
    let state = Mutex<(state: State, result: JobResult?, error: String?, status: Int?)>((.queued, nil, nil, nil))

    init(id: String, kind: String, folder: URL) {
      self.id = id
      self.kind = kind
      self.folder = folder
    }

    /// What `GET /api/jobs/:id` returns.
    public var status: JobStatus {
      let s = state.withLock { $0 }
      let p = progress.snapshot
      let files = (s.result?.files ?? [:]).mapValues { "/api/jobs/\(id)/files/\($0)" }
      return JobStatus(
        id: id, kind: kind, state: s.state, progress: s.state == .done ? 1 : p.fraction, stage: s.state == .done ? "done" : p.stage,
        error: s.error, error_status: s.status, summary: s.result?.summary, facts: s.result?.facts ?? [:], files: files)
    }
  }

  public let root: URL
  public let workbench: Workbench
  /// Jobs that run at once; the rest wait their turn. Two on a two-core machine: each job is
  /// already parallel inside (analysis, rendering).
  public let concurrency: Int
  /// Finished jobs kept (with their files) before the oldest are deleted.
  public let retained: Int

  private let records = Mutex<(byID: [String: Record], order: [String], counter: Int)>(([:], [], 0))
  /// Jobs waiting, in submission order, and how many run: the gate admits the first waiting
  /// job whenever fewer than ``concurrency`` run, so jobs start in the order they came.
  private let gate = NSCondition()
  nonisolated(unsafe) private var waiting: [String] = []
  nonisolated(unsafe) private var running = 0

  public init(root: URL, workbench: Workbench, concurrency: Int = 2, retained: Int = 64) {
    self.root = root
    self.workbench = workbench
    self.concurrency = max(1, concurrency)
    self.retained = max(1, retained)
  }

  /// Validates `job`, gives it a folder and starts it. Throws at once for a bad request.
  public func submit(_ job: some StudioJob) throws(StudioError) -> Record {
    try job.validate(workbench)
    let (id, evicted) = records.withLock { r -> (String, [Record]) in
      r.counter += 1
      // Ids that cannot be guessed from one another, and are safe as folder names.
      let id = String(format: "%@-%04d-%08x", type(of: job).kind, r.counter, UInt32.random(in: 0...UInt32.max))
      var evicted: [Record] = []
      let finished = r.order.filter { r.byID[$0].map { [.done, .failed, .cancelled].contains($0.state.withLock { $0.state }) } ?? false }
      for old in finished.prefix(max(0, r.order.count + 1 - retained)) {
        if let rec = r.byID.removeValue(forKey: old) { evicted.append(rec) }
        r.order.removeAll { $0 == old }
      }
      return (id, evicted)
    }
    for rec in evicted { try? FileManager.default.removeItem(at: rec.folder) }
    let folder = root.appendingPathComponent(id, isDirectory: true)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw .failed("cannot create the job folder \(folder.path): \(error)")
    }
    let record = Record(id: id, kind: type(of: job).kind, folder: folder)
    records.withLock {
      $0.byID[id] = record
      $0.order.append(id)
    }
    gate.lock()
    waiting.append(id)
    gate.unlock()
    let thread = Thread { [self] in
      guard admit(id) else { return }
      Self.run(job, record: record, workbench: workbench)
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

  private static func run(_ job: some StudioJob, record: Record, workbench: Workbench) {
    if record.progress.isCancelled {
      finish(record, .cancelled, error: "cancelled", status: 409)
      return
    }
    record.state.withLock { $0.state = .running }
    do {
      let result = try job.run(workbench, folder: record.folder, progress: record.progress)
      if record.progress.isCancelled {
        finish(record, .cancelled, error: "cancelled", status: 409)
      } else {
        record.state.withLock { $0 = (.done, result, nil, nil) }
      }
    } catch let error as StudioError {
      finish(record, error == .cancelled ? .cancelled : .failed, error: error.description, status: error.status)
    } catch {
      finish(record, .failed, error: String(describing: error), status: 500)
    }
  }

  /// Ends a job that made nothing usable: its folder is emptied so no partial file is served.
  private static func finish(_ record: Record, _ state: State, error: String, status: Int) {
    try? FileManager.default.removeItem(at: record.folder)
    record.state.withLock { $0 = (state, nil, error, status) }
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

  public func record(_ id: String) -> Record? { records.withLock { $0.byID[id] } }

  /// Cancels a job: a queued one leaves the line at once and never runs; a running one stops
  /// at its next stage boundary.
  public func cancel(_ id: String) -> Record? {
    guard let r = record(id) else { return nil }
    r.progress.cancel()
    gate.lock()
    let wasWaiting = waiting.contains(id)
    waiting.removeAll { $0 == id }
    gate.broadcast()
    gate.unlock()
    if wasWaiting { Self.finish(r, .cancelled, error: "cancelled", status: 409) }
    return r
  }

  /// The path of a finished job's file, or nil when the job or file is unknown: only names the
  /// job itself reported are served, so no request can reach another path.
  public func file(_ id: String, _ name: String) -> URL? {
    guard let r = record(id) else { return nil }
    let files = r.state.withLock { $0.result?.files.values.map { $0 } ?? [] }
    guard files.contains(name) else { return nil }
    return r.folder.appendingPathComponent(name)
  }
}

/// The JSON of `GET /api/jobs/:id`.
public struct JobStatus: Sendable, Hashable, Codable {
  public var id: String
  public var kind: String
  public var state: JobBoard.State
  /// 0…1.
  public var progress: Double
  public var stage: String
  public var error: String?
  /// The HTTP status the error maps to (400 bad input, 413 too large, 409 cancelled, 500).
  public var error_status: Int?
  public var summary: String?
  public var facts: [String: String]
  /// Kind → URL of each file the job made.
  public var files: [String: String]
}
