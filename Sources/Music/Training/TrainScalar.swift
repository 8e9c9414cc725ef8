import COpenBLAS
import Foundation

/// The number type a model is trained in: `Float` for training (OpenBLAS `sgemm`), `Double`
/// for the gradient check against finite differences (`dgemm`). The model's code is written
/// once over this protocol and specialised for each.
public protocol TrainScalar: BinaryFloatingPoint, Sendable {
  /// Row-major `C = alpha·op(A)·op(B) + beta·C` (BLAS `gemm`, one thread).
  static func gemm(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
    _ b: UnsafePointer<Self>, _ ldb: Int, _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
  static func exponential(_ x: Self) -> Self
  static func hyperbolicTangent(_ x: Self) -> Self
  static func logarithm(_ x: Self) -> Self
  static func squareRoot(_ x: Self) -> Self
}

extension Float: TrainScalar {
  @inline(__always)
  public static func gemm(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
    _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
      Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
  @inline(__always) public static func exponential(_ x: Float) -> Float { expf(x) }
  @inline(__always) public static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
  @inline(__always) public static func logarithm(_ x: Float) -> Float { logf(x) }
  @inline(__always) public static func squareRoot(_ x: Float) -> Float { x.squareRoot() }
}

extension Double: TrainScalar {
  @inline(__always)
  public static func gemm(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
    _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
      Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
  @inline(__always) public static func exponential(_ x: Double) -> Double { exp(x) }
  @inline(__always) public static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
  @inline(__always) public static func logarithm(_ x: Double) -> Double { log(x) }
  @inline(__always) public static func squareRoot(_ x: Double) -> Double { x.squareRoot() }
}

/// A buffer the parallel parts of a step share; each part writes only its own rows.
struct Buffer<S>: @unchecked Sendable {
  let p: UnsafeMutablePointer<S>
  let count: Int

  init(_ count: Int, zero: S) {
    p = UnsafeMutablePointer<S>.allocate(capacity: max(1, count))
    p.initialize(repeating: zero, count: max(1, count))
    self.count = count
  }

  func free() { p.deallocate() }

  @inline(__always) subscript(i: Int) -> S {
    get { p[i] }
    nonmutating set { p[i] = newValue }
  }

  @inline(__always) func at(_ offset: Int) -> UnsafeMutablePointer<S> { p + offset }
}
