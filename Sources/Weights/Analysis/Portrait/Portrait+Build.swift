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

  /// Measures every matrix and vector of `checkpoint`, in parallel across matrices (one BLAS
  /// thread each), streaming each matrix in row blocks. The result does not depend on the
  /// number of threads: each matrix is computed by one thread in a fixed order.
  public static func build(
    checkpoint: Checkpoint, anatomy: Anatomy, options: AnalysisOptions = AnalysisOptions(),
    progress: Progress? = nil
  ) -> Portrait {
    let (sources, vectorSources) = plan(checkpoint: checkpoint, anatomy: anatomy)
    Linalg.setThreadCount(1)
    let workers = options.threads > 0 ? options.threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let order = sources.indices.sorted { (sources[$0].cost, -$0) > (sources[$1].cost, -$1) }
    let results = Mutex<[Int: Result<MatrixAnalysis, any Error>]>([:])
    let next = Atomic<Int>(0)
    let total = sources.count
    DispatchQueue.concurrentPerform(iterations: min(workers, max(1, total))) { _ in
      let scratch = MatrixAnalyzer.Scratch()
      while true {
        let k = next.add(1, ordering: .relaxed).oldValue
        guard k < order.count else { break }
        let i = order[k]
        let result = Result { try MatrixAnalyzer.analyze(sources[i], in: checkpoint, options: options, scratch: scratch) }
        let done = results.withLock { r -> Int in
          r[i] = result
          return r.count
        }
        progress?(done, total, sources[i].name)
      }
    }
    var matrices: [MatrixAnalysis] = []
    var warnings: [String] = anatomy.warnings
    let collected = results.withLock { $0 }
    for i in sources.indices {
      switch collected[i] {
      case .success(let m)?:
        matrices.append(m)
        if m.flagged {
          warnings.append("\(m.name) holds \(m.nanCount) NaN and \(m.infCount) infinite values (read as 0)")
        }
      case .failure(let error)?:
        warnings.append("\(sources[i].name) skipped: \(error)")
      case nil:
        warnings.append("\(sources[i].name) skipped")
      }
    }
    let vectors = vectorSources.compactMap { analyzeVector($0, checkpoint: checkpoint, anatomy: anatomy, warnings: &warnings) }
    let layers = layerPortraits(anatomy: anatomy, matrices: matrices, vectors: vectors)
    let summary = modelSummary(anatomy: anatomy, matrices: matrices, warnings: warnings)
    return Portrait(
      schemaVersion: schemaVersion, model: checkpoint.location, format: checkpoint.format.rawValue,
      method: options.method.rawValue, minimumTailSize: options.minimumTailSize, tensors: matrices,
      vectors: vectors, layers: layers, summary: summary)
  }

  struct VectorSource {
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

  static func analyzeVector(
    _ v: VectorSource, checkpoint: Checkpoint, anatomy: Anatomy, warnings: inout [String]
  ) -> VectorAnalysis? {
    guard let raw = try? checkpoint.decode(v.tensor) else {
      warnings.append("\(v.tensor.name) skipped: cannot decode dtype \(v.tensor.dtype.rawValue)")
      return nil
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
    return VectorAnalysis(
      name: v.tensor.name, role: v.assignment.role.rawValue, layer: v.assignment.layer,
      parameter: v.assignment.parameter.rawValue, dtype: v.tensor.dtype.rawValue,
      values: values.map { $0.isFinite ? $0 : 0 }, offset: offset, mean: moments.mean,
      std: moments.standardDeviation, min: moments.count > 0 ? moments.minimum : 0,
      max: moments.count > 0 ? moments.maximum : 0, skewness: moments.skewness, kurtosis: moments.excessKurtosis,
      norm: norm, nanCount: nan, infCount: inf)
  }
}
