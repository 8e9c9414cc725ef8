public import Anatomy
public import Checkpoint

/// What a portrait measures, in a fixed order: every matrix (fused tensors as their role
/// slices) and every vector, each with an estimated cost and, for matrices, the memory one
/// worker needs while it analyses it. The order and the estimates depend only on the model's
/// headers, so every machine that opens the same file makes the same plan, and the same parts.
public struct AnalysisPlan: Sendable {
  /// One thing to measure, by index in plan order.
  public enum Item: Sendable, Hashable, Comparable {
    case matrix(Int)
    case vector(Int)
  }

  public let matrices: [MatrixSource]
  let vectors: [Portrait.VectorSource]
  public let options: AnalysisOptions
  /// The model's identity with these options (``PortraitCache/key(for:options:)``): parts and
  /// per-matrix results from another model, file version or option set are refused by it.
  public let identity: String

  /// Memory outside the per-worker analysis: the program, the checkpoint's headers, the plan
  /// and the results (measured: 40–90 MiB on the default models and a 3.8 GB synthetic
  /// checkpoint; kept with headroom).
  public static let fixedWorkingSet = 256 << 20

  public init(checkpoint: Checkpoint, anatomy: Anatomy, options: AnalysisOptions) {
    (matrices, vectors) = Portrait.plan(checkpoint: checkpoint, anatomy: anatomy)
    self.options = options
    identity = PortraitCache.key(for: checkpoint, options: options)
  }

  public var items: [Item] { matrices.indices.map { .matrix($0) } + vectors.indices.map { .vector($0) } }

  public func name(_ item: Item) -> String {
    switch item {
    case .matrix(let i): matrices[i].name
    case .vector(let i): vectors[i].tensor.name
    }
  }

  /// Estimated multiply-adds (the Gram plus the eigensolver for a matrix; one per value for a
  /// vector).
  public func cost(_ item: Item) -> Double {
    switch item {
    case .matrix(let i): matrices[i].cost
    case .vector(let i): Double(vectors[i].tensor.elementCount)
    }
  }

  /// Bytes one worker holds while it analyses matrix `i` (the Gram of the narrow side, the
  /// decode and Double blocks, the norms, the file pages kept between its two passes (at most
  /// 64 MiB); for `--exact` the matrix itself three times: the
  /// kept copy, the one handed to LAPACK and LAPACK's own).
  public func memory(matrix i: Int) -> Int { MatrixAnalyzer.memory(matrices[i], options: options) }

  /// The largest ``memory(matrix:)`` among `items` (0 without matrices), and that matrix.
  public func largest(_ items: [Item]) -> (bytes: Int, name: String) {
    var best = (bytes: 0, name: "")
    for case .matrix(let i) in items where memory(matrix: i) > best.bytes { best = (memory(matrix: i), matrices[i].name) }
    return best
  }

  /// The items split into `count` parts balanced by estimated cost: the longest-processing-time
  /// rule (items by decreasing cost, ties in plan order, each to the part with the least cost so
  /// far, ties to the lower part). Deterministic; each part listed in plan order.
  public func parts(_ count: Int) -> [[Item]] {
    let n = max(1, count)
    var parts = [[Item]](repeating: [], count: n)
    var load = [Double](repeating: 0, count: n)
    let all = items
    let order = all.indices.sorted { cost(all[$0]) != cost(all[$1]) ? cost(all[$0]) > cost(all[$1]) : $0 < $1 }
    for k in order {
      var target = 0
      for p in 1..<n where load[p] < load[target] { target = p }
      parts[target].append(all[k])
      load[target] += cost(all[k])
    }
    return parts.map { $0.sorted() }
  }
}

extension MatrixAnalyzer {
  /// See ``AnalysisPlan/memory(matrix:)``.
  static func memory(_ source: MatrixSource, options: AnalysisOptions) -> Int {
    let (storedRows, storedCols) = source.storedShape
    let rows = source.storedRowRange.count, cols = source.storedColumnRange.count
    let blockRows = max(1, min(rows, blockValues / max(1, storedCols)))
    let blocks = blockRows * storedCols * 4 + blockRows * cols * 8
    // File pages of a matrix up to ``keptBytes`` stay mapped between its two passes.
    let norms = (rows + cols) * 8 + min(source.tensor.byteRange.count, keptBytes)
    let perStored = storedCols / max(1, source.tensor.rowLength)
    if options.method == .exact || (cols > rows && perStored != 1) {
      return 3 * rows * cols * 8 + blocks + norms
    }
    if cols > rows {
      let band = columnBand(rows: rows, cols: cols)
      return rows * rows * 8 + rows * band * 8 + band * 4 * 2 + blocks + norms
    }
    _ = storedRows
    return cols * cols * 8 + blocks + norms
  }
}
