import CLAPACKE
import COpenBLAS

/// Thin, typed access to the BLAS and LAPACK routines Eigentone needs (OpenBLAS + LAPACKE).
/// Matrices are row-major `Float` or `Double` buffers, as the checkpoint reader produces them.
public enum Linalg {
  /// Sets OpenBLAS's thread count. Eigentone parallelises across matrices, so 1 is the
  /// default for analysis: 2 BLAS threads on 2 cores only add contention.
  /// OpenBLAS's current thread count.
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  public static func setThreadCount(_ count: Int) {
    // OpenBLAS 0.3.21 starts its pool again on every call, even for the count it already has
    // (which would undo ``stopThreadPool()``): call it only for a change.
    guard max(1, count) != threadCount else { return }
    openblas_set_num_threads(Int32(max(1, count)))
  }

  /// Sets OpenBLAS to one thread and ends its idle pool threads, which otherwise spin
  /// (`sched_yield`) for ~0.1 s after the library loads, taking a core's share from a process
  /// that parallelises by itself: `eigentone analyze` on MiniLM took 0.34–0.38 s with the pool
  /// and 0.30–0.32 s without it (system time 0.12 s to 0.04 s). A later call with more threads
  /// starts the pool again.
  public static func stopThreadPool() {
    openblas_set_num_threads(1)
    blas_thread_shutdown_()
  }

  /// The Gram matrix `AᵀA` (`cols × cols`, both triangles filled) of a row-major `rows × cols`
  /// matrix, accumulated in `Double` by `dsyrk`.
  public static func gram(_ a: [Double], rows: Int, cols: Int) -> [Double] {
    var g = [Double](repeating: 0, count: cols * cols)
    guard rows > 0, cols > 0 else { return g }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows), 1, a, Int32(cols), 0, &g, Int32(cols))
    for i in 0..<cols { for j in 0..<i { g[i * cols + j] = g[j * cols + i] } }
    return g
  }

  /// Eigenvalues of a symmetric `n × n` matrix (only the lower triangle in column-major terms,
  /// i.e. the upper triangle of a row-major buffer, is read), ascending, by `dsyevd`.
  ///
  /// (The two-stage `dsyevd_2stage` was measured 45 % slower here with Debian's LAPACK 3.11.)
  public static func symmetricEigenvalues(_ matrix: [Double], n: Int) throws(LinalgError) -> [Double] {
    var a = matrix
    return try symmetricEigenvalues(overwriting: &a, n: n)
  }

  /// ``symmetricEigenvalues(_:n:)`` without copying the matrix, which is overwritten.
  ///
  /// `dsyevd` without vectors is `dsytrd` (reduction to tridiagonal form) then `dsterf`, after a
  /// norm (`dlansy`, which tests every entry for NaN) that decides whether to rescale a matrix
  /// near the limits of `Double`. For a Gram matrix the largest entry is on the diagonal, so the
  /// diagonal alone tells: inside 1e-150…1e150 this calls the two routines directly (2 % of an
  /// analysis saved), otherwise `dsyevd` with its scaling. The analysis zeroes NaN and Inf
  /// before any Gram matrix is formed.
  public static func symmetricEigenvalues(overwriting matrix: inout [Double], n: Int) throws(LinalgError) -> [Double] {
    guard n > 0 else { return [] }
    precondition(matrix.count >= n * n, "matrix smaller than n × n")
    var largest = 0.0
    for i in 0..<n { largest = Swift.max(largest, Swift.abs(matrix[i * n + i])) }
    guard largest.isFinite, largest == 0 || (1e-150...1e150).contains(largest) else {
      return try dsyevdEigenvalues(overwriting: &matrix, n: n)
    }
    var d = [Double](repeating: 0, count: n)
    var e = [Double](repeating: 0, count: Swift.max(1, n - 1))
    var tau = [Double](repeating: 0, count: Swift.max(1, n - 1))
    // The workspace query: the minimum (1) would make dsytrd fall back to its unblocked,
    // 1.6× slower code; the optimal size lets it work in panels.
    var size = 0.0
    let query = LAPACKE_dsytrd_work(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), LAPACKInt(n), &matrix, LAPACKInt(n), &d, &e, &tau, &size, -1)
    guard query == 0 else { throw LinalgError(routine: "dsytrd", info: query) }
    var work = [Double](repeating: 0, count: Swift.max(1, Int(size)))
    let reduced = LAPACKE_dsytrd_work(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), LAPACKInt(n), &matrix, LAPACKInt(n), &d, &e, &tau, &work, LAPACKInt(work.count))
    guard reduced == 0 else { throw LinalgError(routine: "dsytrd", info: reduced) }
    let info = LAPACKE_dsterf_work(LAPACKInt(n), &d, &e)
    guard info == 0 else { throw LinalgError(routine: "dsterf", info: info) }
    return d
  }

  /// Eigenvalues by `dsyevd` (the matrix is overwritten), through `LAPACKE_dsyevd_work`, which
  /// skips LAPACKE's scan of the input for NaN.
  public static func dsyevdEigenvalues(overwriting matrix: inout [Double], n: Int) throws(LinalgError) -> [Double] {
    guard n > 0 else { return [] }
    precondition(matrix.count >= n * n, "matrix smaller than n × n")
    var w = [Double](repeating: 0, count: n)
    // The workspace query: the minimum (2n + 1) would make dsytrd fall back to its unblocked,
    // 2× slower code; the optimal size lets it work in panels.
    var size = 0.0
    var isize: LAPACKInt = 0
    let query = LAPACKE_dsyevd_work(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "L")), LAPACKInt(n), &matrix, LAPACKInt(n), &w,
      &size, -1, &isize, -1)
    guard query == 0 else { throw LinalgError(routine: "dsyevd", info: query) }
    var work = [Double](repeating: 0, count: Swift.max(2 * n + 1, Int(size)))
    var iwork = [LAPACKInt](repeating: 0, count: Swift.max(1, Int(isize)))
    let info = LAPACKE_dsyevd_work(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "L")), LAPACKInt(n), &matrix, LAPACKInt(n), &w,
      &work, LAPACKInt(work.count), &iwork, LAPACKInt(iwork.count))
    guard info == 0 else { throw LinalgError(routine: "dsyevd", info: info) }
    return w
  }

  /// Eigenvalues (ascending) and eigenvectors of a symmetric `n × n` matrix by `dsyevd`:
  /// `vectors[j * n + i]` is component i of the eigenvector of `values[j]`.
  public static func symmetricEigen(_ matrix: [Double], n: Int) throws(LinalgError) -> (values: [Double], vectors: [Double]) {
    guard n > 0 else { return ([], []) }
    var a = matrix
    var w = [Double](repeating: 0, count: n)
    let info = LAPACKE_dsyevd(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), LAPACKInt(n), &a, LAPACKInt(n), &w)
    guard info == 0 else { throw LinalgError(routine: "dsyevd", info: info) }
    // Column-major: column j (contiguous) is eigenvector j.
    return (w, a)
  }

  /// Singular values of a row-major `rows × cols` matrix, descending, by `dgesdd` (no vectors).
  ///
  /// LAPACKE 3.11's row-major `?gesdd` checks `ldvt ≥ n` even when no vectors are wanted
  /// (Reference-LAPACK issue #1125), so `ldvt` is passed as `cols`.
  public static func singularValues(_ matrix: [Double], rows: Int, cols: Int) throws(LinalgError) -> [Double] {
    let k = min(rows, cols)
    guard k > 0 else { return [] }
    var a = matrix
    var s = [Double](repeating: 0, count: k)
    let info = LAPACKE_dgesdd(
      LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), LAPACKInt(rows), LAPACKInt(cols), &a, LAPACKInt(cols), &s, nil, 1,
      nil, LAPACKInt(cols))
    guard info == 0 else { throw LinalgError(routine: "dgesdd", info: info) }
    return s
  }

  /// Row-major matrix product `A·B` (`m × k` times `k × n`) by `dgemm`.
  public static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    guard m > 0, n > 0, k > 0 else { return c }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
    return c
  }

  /// Row-major `C = A·Bᵀ` in single precision (`A`: `m × k`, `B`: `n × k`, `C`: `m × n`), by
  /// `sgemm`: a batch of `m` vectors through a weight matrix stored as PyTorch stores it
  /// (output rows × input columns).
  public static func multiplyTransposed(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, m: Int, k: Int, n: Int, into c: UnsafeMutablePointer<Float>
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(k), 0, c, Int32(n))
  }

  /// Row-major `C = A·B` in single precision (`A`: `m × k`, `B`: `k × n`): GPT-2's Conv1D
  /// layout (input rows × output columns).
  public static func multiply(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, m: Int, k: Int, n: Int, into c: UnsafeMutablePointer<Float>
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
  }

  /// General single-precision `C = op(A)·op(B)` with explicit leading dimensions (row-major), for
  /// working on strided slices such as one attention head inside a `[tokens × heads·D]` array.
  public static func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
      Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// The OpenBLAS build configuration string (for diagnostics).
  public static var configuration: String {
    guard let c = openblas_get_config() else { return "unknown" }
    return String(cString: c)
  }
}
