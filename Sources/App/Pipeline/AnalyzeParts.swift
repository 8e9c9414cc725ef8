public import Analysis
import Anatomy
import AtomicFile
import Checkpoint
import Foundation
import JSONText

#if canImport(Glibc)
  import Glibc
#endif

/// Sharded, resumable, memory-bounded analysis: `eigentone analyze MODEL --shard I/N
/// --portrait-part FILE`, `--merge PART…`, `--plan N` and `--memory SIZE` (and the Ray driver,
/// `scripts/ray-analyze`, which runs the first as tasks and the second at the end).
public enum ShardedAnalysis {
  /// Parses `I/N` (1 ≤ I ≤ N).
  public static func shard(_ text: String) throws(PipelineError) -> (part: Int, parts: Int) {
    let bits = text.split(separator: "/")
    guard bits.count == 2, let i = Int(bits[0]), let n = Int(bits[1]), n >= 1, (1...n).contains(i) else {
      throw .badRequest("--shard takes I/N with 1 ≤ I ≤ N, e.g. 2/8 (got \"\(text)\")")
    }
    return (i, n)
  }

  /// Parses a memory size: `8G`, `512M`, `1.5GiB`, `64k` or bytes (units are powers of 1024).
  public static func memory(_ text: String) throws(PipelineError) -> Int {
    let t = text.trimmingCharacters(in: .whitespaces).lowercased()
    let digits = t.prefix { $0.isNumber || $0 == "." }
    var unit = String(t.dropFirst(digits.count)).trimmingCharacters(in: .whitespaces)
    if unit.hasSuffix("ib") { unit.removeLast(2) } else if unit.hasSuffix("b") { unit.removeLast() }
    let units: [String: Double] = ["": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776]
    let scale = units[unit]
    guard let value = Double(digits), let scale, value > 0 else { throw .badRequest("--memory takes a size such as 8G, 512M or 1.5GiB (got \"\(text)\")") }
    return Int(value * scale)
  }

  static func mib(_ bytes: Int) -> String { String(format: "%.0f MiB", Double(bytes) / 1_048_576) }

  /// Worker threads for `items`: the requested count (0: one per core), lowered so that
  /// workers × the largest per-matrix need + the fixed working set stays within `memory`.
  /// Returns the count and a line stating the bound.
  public static func workers(_ plan: AnalysisPlan, items: [AnalysisPlan.Item], requested: Int, memory: Int?) throws(PipelineError) -> (Int, String) {
    let cores = requested > 0 ? requested : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let (largest, name) = plan.largest(items)
    let fixed = AnalysisPlan.fixedWorkingSet
    var workers = max(1, min(cores, items.count))
    if let memory {
      guard largest + fixed <= memory else {
        throw .tooLarge("\(name) needs \(mib(largest)) to analyse (\(mib(largest + fixed)) with the fixed working set); --memory gives \(mib(memory))")
      }
      workers = max(1, min(workers, (memory - fixed) / max(1, largest)))
    }
    return (workers, "memory bound: \(workers) worker\(workers == 1 ? "" : "s") × \(mib(largest)) (\(name)) + \(mib(fixed)) fixed = \(mib(workers * largest + fixed))")
  }
}

/// `eigentone analyze MODEL --shard I/N --portrait-part FILE`: part I of N of the portrait's
/// measurements, each kept in a work folder as it finishes (FILE.work/ unless `work` names
/// another), so a killed part started again measures only what it had not finished.
public struct AnalyzePartRequest: PipelineRequest {
  public static let kind = "analyze-part"
  public var model: String
  public var options: AnalysisOptions
  public var part: Int
  public var parts: Int
  public var output: String
  public var work: String?
  public var memory: Int?

  public init(model: String, options: AnalysisOptions, part: Int, parts: Int, output: String, work: String? = nil, memory: Int? = nil) {
    self.model = model
    self.options = options
    self.part = part
    self.parts = parts
    self.output = output
    self.work = work
    self.memory = memory
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.check(model)
    guard (1...max(1, parts)).contains(part) else { throw .badRequest("--shard: part \(part) of \(parts) does not exist") }
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let checkpoint = try models.checkpoint(model)
    let anatomy = Anatomy(checkpoint: checkpoint)
    let plan = AnalysisPlan(checkpoint: checkpoint, anatomy: anatomy, options: options)
    let items = plan.parts(parts)[part - 1]
    let (workers, bound) = try ShardedAnalysis.workers(plan, items: items, requested: options.threads, memory: memory)
    progress.note(bound)
    let folder = try WorkFolder(path: work ?? output + ".work", identity: plan.identity)
    try progress.stage("analysing part \(part) of \(parts)", at: 0)
    let measured = Portrait.measure(plan, items: items, checkpoint: checkpoint, anatomy: anatomy, workers: workers, work: folder) { done, total, name in
      progress.update(done, of: total, from: 0, to: 1, item: name)
    }
    let report = folder.report
    if report.kept > 0 || !report.rejected.isEmpty {
      progress.note(
        "resumed: \(report.kept) of \(items.count) results kept"
          + (report.rejected.isEmpty ? "" : "; \(report.rejected.count) damaged, measured again: \(report.rejected.joined(separator: ", "))"))
    }
    let partFile = PortraitPart(plan: plan, checkpoint: checkpoint, part: part, parts: parts, measured: measured)
    try AtomicFile.write(try JSONText.encode(partFile), to: output)
    return PipelineResult(
      files: ["part": output],
      summary:
        "part \(part) of \(parts): \(partFile.matrices.count) matrices and \(partFile.vectors.count) vectors of \(plan.matrices.count) and \(plan.items.count - plan.matrices.count)",
      facts: ["kept": "\(report.kept)", "damaged": "\(report.rejected.count)", "workers": "\(workers)"])
  }
}

/// `eigentone analyze --merge PART…`: the portrait from every part (byte-identical to the
/// single-process `analyze --json`).
public struct MergePortraitRequest: Sendable {
  public var parts: [String]
  public init(parts: [String]) { self.parts = parts }

  public func portrait(_ models: any ModelSource) throws -> Portrait {
    guard !parts.isEmpty else { throw PipelineError.badRequest("--merge needs the part files") }
    return try Portrait.merge(files: parts) { try models.checkpoint($0) }
  }
}

/// `eigentone analyze MODEL --plan N`: how the work splits, for a scheduler (the Ray driver
/// sets each task's memory from it).
public struct AnalysisPlanReport: Sendable, Codable {
  public struct Part: Sendable, Codable {
    public var part: Int
    public var matrices: Int
    public var vectors: Int
    /// Estimated multiply-adds.
    public var cost: Double
    /// One worker's need for the part's largest matrix, bytes.
    public var memoryBytes: Int
    public var largest: String
    /// Bytes of the model file the part reads (its tensors' stored bytes).
    public var readBytes: Int

    enum CodingKeys: String, CodingKey {
      case part, matrices, vectors, cost, largest
      case memoryBytes = "memory_bytes"
      case readBytes = "read_bytes"
    }
  }

  public var model: String
  public var identity: String
  public var fixedWorkingSetBytes: Int
  public var parts: [Part]

  enum CodingKeys: String, CodingKey {
    case model, identity, parts
    case fixedWorkingSetBytes = "fixed_working_set_bytes"
  }

  public init(model: String, options: AnalysisOptions, parts count: Int, models: any ModelSource) throws {
    let checkpoint = try models.checkpoint(model)
    let plan = AnalysisPlan(checkpoint: checkpoint, anatomy: Anatomy(checkpoint: checkpoint), options: options)
    self.model = checkpoint.location
    identity = plan.identity
    fixedWorkingSetBytes = AnalysisPlan.fixedWorkingSet
    parts = plan.parts(count).enumerated().map { k, items in
      let largest = plan.largest(items)
      var read = 0
      for item in items {
        switch item {
        case .matrix(let i): read += plan.matrices[i].tensor.byteRange.count
        case .vector: break
        }
      }
      return Part(
        part: k + 1, matrices: items.filter { if case .matrix = $0 { true } else { false } }.count,
        vectors: items.filter { if case .vector = $0 { true } else { false } }.count, cost: items.reduce(0) { $0 + plan.cost($1) },
        memoryBytes: largest.bytes, largest: largest.name, readBytes: read)
    }
  }
}
