import COpenBLAS

/// Accumulates the Gram matrix `G = Σ Bᵀ B` of a tall matrix streamed as row blocks `B`, in
/// `Double` (`dsyrk` with β = 1), so a matrix of any height is reduced to `n × n` without
/// ever being held whole. Only the upper triangle (row-major) is kept up to date, which is
/// the triangle ``Linalg/symmetricEigenvalues(_:n:)`` reads.
public struct GramAccumulator: Sendable {
  /// Side of the Gram matrix (the matrix's column count).
  public let n: Int
  /// Row-major `n × n`; upper triangle valid.
  public private(set) var matrix: [Double]

  public init(n: Int) {
    self.n = n
    self.matrix = [Double](repeating: 0, count: n * n)
  }

  /// An accumulator whose matrix lives in `storage` (zeroed here): recycling the storage of a
  /// finished accumulator saves the page faults of a fresh `n × n` allocation (a third of an
  /// analysis's system time on MiniLM).
  public init(n: Int, reusing storage: consuming [Double]) {
    self.n = n
    var m = consume storage
    m.removeAll(keepingCapacity: true)
    m.append(contentsOf: repeatElement(0, count: n * n))
    self.matrix = m
  }

  /// Adds `BᵀB` for a row-major block of `rows × n` values.
  public mutating func add(_ block: UnsafeBufferPointer<Double>, rows: Int) {
    guard rows > 0, n > 0, let base = block.baseAddress else { return }
    precondition(block.count >= rows * n, "block smaller than rows × n")
    let n32 = Int32(n)
    matrix.withUnsafeMutableBufferPointer { g in
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n32, Int32(rows), 1, base, n32, 1, g.baseAddress, n32)
    }
  }

  /// Adds `B Bᵀ` for a row-major block of `n × cols` values: a band of columns of a wide
  /// matrix, so its `n × n` Gram `A Aᵀ` is accumulated without holding `A`.
  public mutating func addColumnBand(_ band: UnsafeBufferPointer<Double>, cols: Int) {
    guard cols > 0, n > 0, let base = band.baseAddress else { return }
    precondition(band.count >= n * cols, "band smaller than n × cols")
    let n32 = Int32(n)
    matrix.withUnsafeMutableBufferPointer { g in
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n32, Int32(cols), 1, base, Int32(cols), 1, g.baseAddress, n32)
    }
  }

  /// Eigenvalues of the accumulated Gram matrix, ascending (`dsyevd`).
  public func eigenvalues() throws(LinalgError) -> [Double] {
    try Linalg.symmetricEigenvalues(matrix, n: n)
  }

  /// Eigenvalues of the accumulated Gram matrix, ascending, computed in place (`n × n` doubles
  /// not copied): afterwards ``matrix`` holds only scratch, to recycle with ``init(n:reusing:)``.
  public mutating func eigenvaluesInPlace() throws(LinalgError) -> [Double] {
    try Linalg.symmetricEigenvalues(overwriting: &matrix, n: n)
  }
}

extension Linalg {
  /// `A Aᵀ` (`rows × rows`, upper triangle valid) of a row-major `rows × cols` matrix: the Gram
  /// matrix of the narrow side of a wide matrix.
  public static func rowGram(_ a: UnsafeBufferPointer<Double>, rows: Int, cols: Int) -> [Double] {
    var g = [Double]()
    rowGram(a, rows: rows, cols: cols, into: &g)
    return g
  }

  /// ``rowGram(_:rows:cols:)`` written into `g` (resized to `rows × rows`, its storage reused).
  public static func rowGram(_ a: UnsafeBufferPointer<Double>, rows: Int, cols: Int, into g: inout [Double]) {
    g.removeAll(keepingCapacity: true)
    g.append(contentsOf: repeatElement(0, count: rows * rows))
    guard rows > 0, cols > 0, let base = a.baseAddress else { return }
    g.withUnsafeMutableBufferPointer { out in
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(rows), Int32(cols), 1, base, Int32(cols), 0, out.baseAddress, Int32(rows))
    }
  }
}
