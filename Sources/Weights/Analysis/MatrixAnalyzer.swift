import Anatomy
import Checkpoint
import Linalg

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a matrix could not be analysed.
public struct AnalysisError: Error, Hashable, Sendable, CustomStringConvertible {
  public var tensor: String
  public var reason: String
  public var description: String { "tensor \"\(tensor)\": \(reason)" }
}

/// Streams one matrix out of a checkpoint in row blocks and measures it: the Gram matrix (or
/// the whole matrix for `--exact` and for wide matrices), entry moments, row and column norms,
/// NaN/Inf counts; then a second pass for the histogram. The file's pages are handed back to
/// the kernel after the second pass, and after each block of the first too for matrices larger
/// than ``keptBytes``, so resident memory stays near one block, the Gram matrix and at most
/// ``keptBytes`` of file pages per worker.
enum MatrixAnalyzer {
  /// File bytes of one matrix kept mapped between its two passes: 64 MiB. Smaller matrices are
  /// not faulted in twice (MiniLM's 47 MB embedding: 0.7 k page faults and as many `madvise`
  /// calls saved); larger ones (Gemma's 335 MB embedding) are released block by block.
  static let keptBytes = 64 << 20

  /// Values decoded per block: 1 Mi (8 MiB as `Double`, 4 MiB as decoded `Float`). Large
  /// enough for `dsyrk` to run at full speed (≥ 1,365 rows of a 768-wide matrix per call), small
  /// enough that each worker's first touch of its buffers costs little: 4 Mi made MiniLM's
  /// analysis fault in 21,700 pages instead of 12,200 (0.05–0.1 s of system time).
  static let blockValues = 1 << 20

  /// Buffers one worker reuses from matrix to matrix, so blocks are not allocated (and their
  /// pages faulted in) again for every tensor.
  final class Scratch {
    var raw: [Float] = []
    var block: [Double] = []
    /// The Gram matrix's storage, recycled from matrix to matrix.
    var gram: [Double] = []
    /// A wide (or `--exact`) matrix kept whole when it spans several blocks.
    var whole: [Double] = []

    func reserve(raw rawCount: Int, block blockCount: Int) {
      if raw.count < rawCount { raw = [Float](repeating: 0, count: rawCount) }
      if block.count < blockCount { block = [Double](repeating: 0, count: blockCount) }
    }
  }

  static func analyze(
    _ source: MatrixSource, in checkpoint: Checkpoint, options: AnalysisOptions, scratch: Scratch = Scratch()
  ) throws -> MatrixAnalysis {
    let tensor = source.tensor
    guard tensor.dtype.isDecodable else {
      throw AnalysisError(tensor: tensor.name, reason: "cannot decode dtype \(tensor.dtype.rawValue)")
    }
    let stored = source.storedShape
    let rowRange = source.storedRowRange
    let columnRange = source.storedColumnRange
    let rows = rowRange.count, cols = columnRange.count
    let storedRowsPerMatrixRow = stored.cols == 0 ? 1 : stored.cols / max(1, tensor.rowLength)
    let bytesPerMatrixRow = stored.cols / tensor.dtype.block.elements * tensor.dtype.block.bytes

    // Orientation of the Gram: tall (rows ≥ cols) accumulates BᵀB row block by row block; wide
    // matrices accumulate A Aᵀ band of columns by band (``columnBand``) after the first pass, so
    // a worker holds one Gram matrix of the narrow side and never the matrix; --exact (and a
    // wide matrix whose rows span several stored rows) keeps the whole selected matrix.
    let wide = options.method != .exact && cols > rows
    let banded = wide && storedRowsPerMatrixRow == 1
    let keepWhole = options.method == .exact || (wide && !banded)
    let blockRows = Swift.max(1, Swift.min(rows, blockValues / Swift.max(1, stored.cols)))
    var recycled = [Double]()
    swap(&recycled, &scratch.gram)
    var gram = GramAccumulator(n: keepWhole ? 0 : (banded ? rows : cols), reusing: consume recycled)
    // A matrix that fits one block stays in `block`; larger kept matrices are appended here.
    let singleBlock = rows <= blockRows
    let keepPages = singleBlock || rows * bytesPerMatrixRow <= keptBytes
    var whole = [Double]()
    swap(&whole, &scratch.whole)
    whole.removeAll(keepingCapacity: true)
    defer { swap(&whole, &scratch.whole) }
    var rowSquares = [Double](repeating: 0, count: rows)
    var columnSquares = [Double](repeating: 0, count: cols)
    var moments = Moments()
    var nanCount = 0, infCount = 0
    scratch.reserve(raw: blockRows * stored.cols, block: blockRows * cols)
    var raw = [Float]()
    var block = [Double]()
    swap(&raw, &scratch.raw)
    swap(&block, &scratch.block)
    defer {
      swap(&raw, &scratch.raw)
      swap(&block, &scratch.block)
    }

    /// Stored rows of matrix rows `first ..< first + count`: F32 in place in the memory map,
    /// other types decoded into `raw` (when `decoding`; else what `raw` holds).
    func withRows(_ first: Int, _ count: Int, decoding: Bool, _ body: (UnsafeBufferPointer<Float>) throws -> Void) throws {
      let storedRows = (first * storedRowsPerMatrixRow)..<((first + count) * storedRowsPerMatrixRow)
      if let direct = checkpoint.floatsInPlace(tensor, rows: storedRows) { return try body(direct) }
      if decoding {
        try decode(tensor, checkpoint, matrixRows: first..<(first + count), perRow: storedRowsPerMatrixRow, into: &raw)
      }
      try raw.withUnsafeBufferPointer { try body($0) }
    }

    var r0 = 0
    while r0 < rows {
      let count = Swift.min(blockRows, rows - r0)
      let first = rowRange.lowerBound + r0
      // One fused pass: copy the selected columns to Double, count NaN and Inf (read as 0 for
      // the norms and the spectrum), accumulate row and column sums of squares, and the
      // shifted power sums of the finite values for this block's moments.
      var sums = PowerSums(shift: 0)
      try withRows(first, count, decoding: true) { srcBuffer in
        block.withUnsafeMutableBufferPointer { dstBuffer in
          columnSquares.withUnsafeMutableBufferPointer { colBuffer in
            rowSquares.withUnsafeMutableBufferPointer { rowBuffer in
              guard let src = srcBuffer.baseAddress, let dst = dstBuffer.baseAddress, let colSq = colBuffer.baseAddress,
                let rowSq = rowBuffer.baseAddress
              else { return }
              let firstValue = FusedPass.firstFinite(src, rows: count, stride: stored.cols, offset: columnRange.lowerBound, cols: cols)
              let pass = FusedPass.atLevel
              let totals = pass(
                src, count, stored.cols, columnRange.lowerBound, cols, Double(firstValue), dst, rowSq + r0, colSq)
              sums = PowerSums(shift: Double(firstValue), totals: totals)
              nanCount += totals.nan
              infCount += totals.inf
            }
          }
        }
      }
      moments.merge(sums.moments)
      block.withUnsafeBufferPointer { b in
        if keepWhole {
          if !singleBlock { whole.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<(count * cols)])) }
        } else if !banded {
          gram.add(b, rows: count)
        }
      }
      // The second pass reads the matrix again: keep the pages of small matrices till then.
      if !keepPages {
        let start = tensor.byteRange.lowerBound + first * bytesPerMatrixRow
        release(start..<(start + count * bytesPerMatrixRow), of: tensor, in: checkpoint)
      }
      r0 += count
    }

    // Spectrum.
    func wholeMatrix<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
      singleBlock
        ? try block.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<(rows * cols)])) }
        : try whole.withUnsafeBufferPointer { try body($0) }
    }
    var eigenvalues: [Double]
    var singularValues: [Double]
    if options.method == .exact {
      singularValues = try rows * cols == 0 ? [] : wholeMatrix { try Linalg.singularValues(Array($0), rows: rows, cols: cols) }
      eigenvalues = singularValues.map { $0 * $0 }
    } else {
      var ascending: [Double]
      if banded {
        try accumulateBands(
          source, checkpoint: checkpoint, rows: rows, cols: cols, firstRow: rowRange.lowerBound, firstColumn: columnRange.lowerBound,
          releasing: !keepPages, into: &gram, band: &whole)
        ascending = try gram.eigenvaluesInPlace()
        scratch.gram = gram.matrix
      } else if keepWhole {
        var g = gram.matrix
        gram = GramAccumulator(n: 0)
        wholeMatrix { Linalg.rowGram($0, rows: rows, cols: cols, into: &g) }
        ascending = try Linalg.symmetricEigenvalues(overwriting: &g, n: rows)
        scratch.gram = g
      } else {
        ascending = try gram.eigenvaluesInPlace()
        scratch.gram = gram.matrix
      }
      ascending = ascending.map { Swift.max(0, $0) }
      eigenvalues = ascending.reversed()
      singularValues = eigenvalues.map { $0.squareRoot() }
    }

    // Second pass: histogram over [min, max] and the near-zero count.
    let lower = moments.count > 0 ? moments.minimum : 0
    let upper = moments.count > 0 ? moments.maximum : 0
    var histogram = Histogram(lower: lower, upper: upper)
    let totalSquares = rowSquares.reduce(0, +)
    let finiteCount = Swift.max(1.0, moments.count)
    let nearZeroLimit = 1e-3 * (totalSquares / finiteCount).squareRoot()
    var nearZero = 0
    r0 = 0
    while r0 < rows {
      let count = Swift.min(blockRows, rows - r0)
      let first = rowRange.lowerBound + r0
      // A matrix that fits one block is still in `raw` (or the map); larger ones are read again.
      try withRows(first, count, decoding: !singleBlock) { src in
        if cols == stored.cols {
          // Whole rows: the block is one contiguous run.
          nearZero += histogram.add(UnsafeBufferPointer(rebasing: src[0..<(count * cols)]), countingBelow: Float(nearZeroLimit))
          return
        }
        for r in 0..<count {
          let s = r * stored.cols + columnRange.lowerBound
          let row = UnsafeBufferPointer(rebasing: src[s..<(s + cols)])
          nearZero += histogram.add(row, countingBelow: Float(nearZeroLimit))
        }
      }
      let start = tensor.byteRange.lowerBound + first * bytesPerMatrixRow
      release(start..<(start + count * bytesPerMatrixRow), of: tensor, in: checkpoint)
      r0 += count
    }

    // Orientation [outputs, inputs].
    let outputNorms = (source.outputsAreColumns ? columnSquares : rowSquares).map { $0.squareRoot() }
    let inputNorms = (source.outputsAreColumns ? rowSquares : columnSquares).map { $0.squareRoot() }
    let bigN = Swift.max(rows, cols), smallM = Swift.min(rows, cols)
    let tolerance =
      options.method == .exact
      ? Double(bigN) * Double.ulpOfOne
      : Swift.max(Double(bigN) * Double.ulpOfOne, (4 * Double(smallM) * Double.ulpOfOne).squareRoot())
    let metrics = SpectralMetrics(
      eigenvalues: eigenvalues, rows: rows, cols: cols, rankTolerance: tolerance,
      minimumTailSize: options.minimumTailSize)
    let fit = metrics.powerLaw
    var warning: String?
    if let a = fit?.alpha {
      if a < 2 { warning = "over-trained" } else if a > 6 { warning = "under-trained" }
    }
    return MatrixAnalysis(
      name: source.name, tensor: tensor.name, role: source.role.rawValue, layer: source.layer,
      shape: source.shape, dtype: tensor.dtype.rawValue,
      outputs: source.outputs.map { [$0.lowerBound, $0.upperBound] },
      singularValues: singularValues, rowNorms: outputNorms, columnNorms: inputNorms,
      frobeniusNorm: totalSquares.squareRoot(),
      mean: moments.mean, std: moments.standardDeviation, skewness: moments.skewness,
      kurtosis: moments.excessKurtosis, min: lower, max: upper,
      nearZeroFraction: Double(nearZero) / finiteCount, histogram: histogram,
      nanCount: nanCount, infCount: infCount, flagged: nanCount + infCount > 0,
      N: bigN, M: smallM, Q: smallM > 0 ? Double(bigN) / Double(smallM) : 0, numEvals: eigenvalues.count,
      norm: finite(metrics.norm), logNorm: finite(metrics.logNorm), spectralNorm: finite(metrics.spectralNorm),
      logSpectralNorm: finite(metrics.logSpectralNorm), stableRank: finite(metrics.stableRank),
      matrixRank: metrics.matrixRank, entropy: finite(metrics.entropy),
      alpha: fit.flatMap { finite($0.alpha) }, alphaWeighted: metrics.alphaWeighted.flatMap(finite),
      logAlphaNorm: metrics.logAlphaNorm.flatMap(finite), xmin: fit.map(\.xmin), xmax: fit.map(\.xmax),
      D: fit.map(\.D), sigma: fit.flatMap { finite($0.sigma) }, numPlSpikes: fit?.tailSize,
      numSpikes: metrics.marchenkoPastur?.numSpikes, mpSoftrank: metrics.marchenkoPastur.flatMap { finite($0.softRank) },
      sigmaMp: metrics.marchenkoPastur.flatMap { finite($0.sigma) },
      bulkMax: metrics.marchenkoPastur.flatMap { finite($0.bulkMax) }, warning: warning)
  }

  /// Linux's default `fault_around_bytes`: a page fault on a file mapping maps the aligned
  /// window of this size around it.
  static let faultAroundBytes = 64 << 10

  /// Hands back the pages of `range` and of every ``faultAroundBytes`` window it touches
  /// (within the tensor), so pages the kernel mapped around a fault do not stay resident.
  static func release(_ range: Range<Int>, of tensor: TensorInfo, in checkpoint: Checkpoint) {
    let lower = range.lowerBound / faultAroundBytes * faultAroundBytes
    let upper = (range.upperBound + faultAroundBytes - 1) / faultAroundBytes * faultAroundBytes
    checkpoint.files[tensor.fileIndex].release(Swift.max(lower, tensor.byteRange.lowerBound)..<Swift.min(upper, tensor.byteRange.upperBound))
  }

  /// Columns per band when a wide matrix's Gram is accumulated by bands: at least this many,
  /// so `dsyrk` runs at speed and each row's slice spans whole pages of the file.
  static let minimumBand = 512

  /// The columns of one band for a wide matrix of `rows` rows: ``blockValues`` values a band,
  /// or ``minimumBand`` columns if that is more.
  static func columnBand(rows: Int, cols: Int) -> Int {
    Swift.max(1, Swift.min(cols, Swift.max(blockValues / Swift.max(1, rows), minimumBand)))
  }

  /// `A Aᵀ` of a wide matrix (`rows × cols` of `source`, from stored row `firstRow` and column
  /// `firstColumn`) accumulated into `gram` a band of columns at a time: each band is read row
  /// by row from the map (F32 in place, other types decoded per slice), NaN and Inf read as 0 as
  /// in the first pass, and its file pages handed back when `releasing`. Memory: the Gram and
  /// one `rows × band` Double band (`band`, reused).
  static func accumulateBands(
    _ source: MatrixSource, checkpoint: Checkpoint, rows: Int, cols: Int, firstRow: Int, firstColumn: Int, releasing: Bool,
    into gram: inout GramAccumulator, band: inout [Double]
  ) throws {
    let tensor = source.tensor
    let width = columnBand(rows: rows, cols: cols)
    if band.count < rows * width { band = [Double](repeating: 0, count: rows * width) }
    var slice = [Float](repeating: 0, count: width)
    var decodeScratch = [Float]()
    var c0 = 0
    while c0 < cols {
      let w = Swift.min(width, cols - c0)
      let columns = (firstColumn + c0)..<(firstColumn + c0 + w)
      for r in 0..<rows {
        let row = firstRow + r
        let offset = r * w
        if let direct = checkpoint.floatsInPlace(tensor, rows: row..<(row + 1)) {
          band.withUnsafeMutableBufferPointer { b in
            for j in 0..<w {
              let v = direct[columns.lowerBound + j]
              b[offset + j] = v.isFinite ? Double(v) : 0
            }
          }
        } else {
          try slice.withUnsafeMutableBufferPointer { try checkpoint.decodeRowSlice(tensor, row: row, columns: columns, into: $0, scratch: &decodeScratch) }
          band.withUnsafeMutableBufferPointer { b in
            for j in 0..<w {
              let v = slice[j]
              b[offset + j] = v.isFinite ? Double(v) : 0
            }
          }
        }
        // Hand the pages back at once, every 64 KiB window the slice touched: the kernel maps
        // the whole aligned window around a fault ("fault-around", `fault_around_bytes`), pages
        // of this row and its neighbours, so releasing only the slice would leave up to
        // rows × 64 KiB of the file resident (512 MiB for an 8192-row matrix).
        if releasing {
          release(checkpoint.byteRange(tensor, row: row, columns: columns), of: tensor, in: checkpoint)
        }
      }
      band.withUnsafeBufferPointer { gram.addColumnBand(UnsafeBufferPointer(rebasing: $0[0..<(rows * w)]), cols: w) }
      c0 += w
    }
  }

  /// Decodes matrix rows (each `perRow` stored rows) into the front of `buffer`.
  static func decode(
    _ tensor: TensorInfo, _ checkpoint: Checkpoint, matrixRows: Range<Int>, perRow: Int, into buffer: inout [Float]
  ) throws {
    let stored = (matrixRows.lowerBound * perRow)..<(matrixRows.upperBound * perRow)
    try buffer.withUnsafeMutableBufferPointer { try checkpoint.decodeRows(tensor, rows: stored, into: $0) }
  }
}

/// The value, or `nil` when it is NaN or infinite (JSON has no place for those).
func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
