public import Anatomy
public import Checkpoint
import Dispatch
import Linalg
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Portrait {
  /// Progress of a build: matrices done, matrices in all, and the one just finished.
  public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ name: String) -> Void

  /// What one item of the plan gave: its measurement, or why it was skipped (the reason as the
  /// portrait's warning gives it).
  public enum Outcome<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    case value(Value)
    case skipped(String)
  }

  /// Measurements by plan index (``AnalysisPlan``): all of them for a whole portrait, one
  /// part's for `analyze --shard`.
  public struct Measurements: Sendable, Hashable {
    public var matrices: [Int: Outcome<MatrixAnalysis>] = [:]
    public var vectors: [Int: Outcome<VectorAnalysis>] = [:]
    public init() {}
  }

  /// Measures every matrix and vector of `checkpoint`, in parallel across matrices (one BLAS
  /// thread each), streaming each matrix in row blocks. The result does not depend on the
  /// number of threads: each matrix is computed by one thread in a fixed order.
  public static func build(
    checkpoint: Checkpoint, anatomy: Anatomy, options: AnalysisOptions = AnalysisOptions(),
    progress: Progress? = nil
  ) -> Portrait {
    let plan = AnalysisPlan(checkpoint: checkpoint, anatomy: anatomy, options: options)
    let measured = measure(plan, items: plan.items, checkpoint: checkpoint, anatomy: anatomy, workers: options.threads, progress: progress)
    return assemble(plan, measured, checkpoint: checkpoint, anatomy: anatomy)
  }

  /// Measures `items` of `plan` with `workers` threads (0: one per core), largest first; with a
  /// `work` folder, items it already holds (checked) are read instead, and each new result is
  /// stored there as it finishes, so a killed run loses at most the matrices in flight.
  public static func measure(
    _ plan: AnalysisPlan, items: [AnalysisPlan.Item], checkpoint: Checkpoint, anatomy: Anatomy, workers: Int,
    work: WorkFolder? = nil, progress: Progress? = nil
  ) -> Measurements {
    var measured = Measurements()
    var pending: [Int] = []
    var vectorItems: [Int] = []
    for item in items {
      switch item {
      case .matrix(let i):
        if let kept: Outcome<MatrixAnalysis> = work?.load(item, name: plan.name(item)) { measured.matrices[i] = kept } else { pending.append(i) }
      case .vector(let i):
        if let kept: Outcome<VectorAnalysis> = work?.load(item, name: plan.name(item)) { measured.vectors[i] = kept } else { vectorItems.append(i) }
      }
    }
    let sources = plan.matrices
    let options = plan.options
    Linalg.setThreadCount(1)
    let threads = workers > 0 ? workers : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let order = pending.sorted { (sources[$0].cost, -$0) > (sources[$1].cost, -$1) }
    let results = Mutex<[Int: Outcome<MatrixAnalysis>]>([:])
    let next = Atomic<Int>(0)
    let already = measured.matrices.count
    let total = already + pending.count
    DispatchQueue.concurrentPerform(iterations: min(threads, max(1, order.count))) { _ in
      let scratch = MatrixAnalyzer.Scratch()
      while true {
        let k = next.add(1, ordering: .relaxed).oldValue
        guard k < order.count else { break }
        let i = order[k]
        let outcome: Outcome<MatrixAnalysis>
        do {
          outcome = .value(try MatrixAnalyzer.analyze(sources[i], in: checkpoint, options: options, scratch: scratch))
        } catch {
          outcome = .skipped("\(error)")
        }
        work?.store(outcome, item: .matrix(i), name: sources[i].name)
        let done = results.withLock { r -> Int in
          r[i] = outcome
          return r.count
        }
        progress?(already + done, total, sources[i].name)
      }
    }
    for (i, outcome) in results.withLock({ $0 }) { measured.matrices[i] = outcome }
    for i in vectorItems {
      let outcome = analyzeVector(plan.vectors[i], checkpoint: checkpoint, anatomy: anatomy)
      work?.store(outcome, item: .vector(i), name: plan.vectors[i].tensor.name)
      measured.vectors[i] = outcome
    }
    return measured
  }

  /// The portrait from every item's measurement, in plan order: the matrices, the vectors, the
  /// warnings (the anatomy's, then each skipped or flagged item's), the layers and the summary.
  /// The same measurements give the same bytes, wherever they were made.
  public static func assemble(_ plan: AnalysisPlan, _ measured: Measurements, checkpoint: Checkpoint, anatomy: Anatomy) -> Portrait {
    var matrices: [MatrixAnalysis] = []
    var warnings: [String] = anatomy.warnings
    for (i, source) in plan.matrices.enumerated() {
      switch measured.matrices[i] {
      case .value(let m)?:
        matrices.append(m)
        if m.flagged {
          warnings.append("\(m.name) holds \(m.nanCount) NaN and \(m.infCount) infinite values (read as 0)")
        }
      case .skipped(let reason)?:
        warnings.append("\(source.name) skipped: \(reason)")
      case nil:
        warnings.append("\(source.name) skipped")
      }
    }
    var vectors: [VectorAnalysis] = []
    for (i, v) in plan.vectors.enumerated() {
      switch measured.vectors[i] {
      case .value(let a)?: vectors.append(a)
      case .skipped(let reason)?: warnings.append("\(v.tensor.name) skipped: \(reason)")
      case nil: warnings.append("\(v.tensor.name) skipped")
      }
    }
    let layers = layerPortraits(anatomy: anatomy, matrices: matrices, vectors: vectors)
    let summary = modelSummary(anatomy: anatomy, matrices: matrices, warnings: warnings)
    return Portrait(
      schemaVersion: schemaVersion, model: checkpoint.location, format: checkpoint.format.rawValue,
      method: plan.options.method.rawValue, minimumTailSize: plan.options.minimumTailSize, tensors: matrices,
      vectors: vectors, layers: layers, summary: summary)
  }

  struct VectorSource: Sendable {
    var tensor: TensorInfo
    var assignment: TensorAssignment
  }

  /// Every matrix to analyse (fused tensors as their role slices) and every vector.
  static func plan(checkpoint: Checkpoint, anatomy: Anatomy) -> ([MatrixSource], [VectorSource]) {
    var matrices: [MatrixSource] = []
    var vectors: [VectorSource] = []
    let layerByIndex = Dictionary(anatomy.layers.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
    for (tensor, a) in zip(checkpoint.tensors, anatomy.assignments) where a.role != .buffer {
      if tensor.shape.count <= 1 {
        if tensor.elementCount > 0 { vectors.append(VectorSource(tensor: tensor, assignment: a)) }
        continue
      }
      guard tensor.elementCount > 0, a.parameter == .weight else { continue }
      if a.role == .attentionQKV || a.role == .mlpGateUp, let layer = a.layer,
        let slices = layerByIndex[layer]?.slices.filter({ $0.tensor == tensor.name && $0.parameter == .weight && $0.fusedFrom != nil }),
        !slices.isEmpty
      {
        for s in slices {
          matrices.append(MatrixSource(tensor: tensor, role: s.role, layer: layer, layout: s.layout, outputs: s.outputs))
        }
      } else {
        matrices.append(MatrixSource(tensor: tensor, role: a.role, layer: a.layer, layout: a.layout))
      }
    }
    return (matrices, vectors)
  }

  static func analyzeVector(_ v: VectorSource, checkpoint: Checkpoint, anatomy: Anatomy) -> Outcome<VectorAnalysis> {
    guard let raw = try? checkpoint.decode(v.tensor) else {
      return .skipped("cannot decode dtype \(v.tensor.dtype.rawValue)")
    }
    let offset = v.assignment.role.isNorm && v.assignment.parameter == .weight ? Double(anatomy.normGainOffset) : 0
    var values = [Double]()
    values.reserveCapacity(raw.count)
    var nan = 0, inf = 0
    for x in raw {
      if x.isNaN { nan += 1 } else if x.isInfinite { inf += 1 }
      values.append(Double(x) + offset)
    }
    let moments = values.withUnsafeBufferPointer { Moments($0) }
    let norm = values.reduce(0.0) { $1.isFinite ? $0 + $1 * $1 : $0 }.squareRoot()
    return .value(
      VectorAnalysis(
        name: v.tensor.name, role: v.assignment.role.rawValue, layer: v.assignment.layer,
        parameter: v.assignment.parameter.rawValue, dtype: v.tensor.dtype.rawValue,
        values: values.map { $0.isFinite ? $0 : 0 }, offset: offset, mean: moments.mean,
        std: moments.standardDeviation, min: moments.count > 0 ? moments.minimum : 0,
        max: moments.count > 0 ? moments.maximum : 0, skewness: moments.skewness, kurtosis: moments.excessKurtosis,
        norm: norm, nanCount: nan, infCount: inf))
  }
}
