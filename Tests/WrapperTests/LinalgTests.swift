import Foundation
import Linalg
import Testing

/// LAPACK and BLAS through the wrapper, on matrices whose spectrum is known by construction.
@Suite("Linalg")
struct LinalgTests {
  /// An orthogonal n × n matrix: a product of Givens rotations with fixed angles, built without
  /// LAPACK so the check is independent of it.
  static func orthogonal(_ n: Int, seed: Double) -> [Double] {
    var q = [Double](repeating: 0, count: n * n)
    for i in 0..<n { q[i * n + i] = 1 }
    var angle = seed
    for i in 0..<n {
      for j in (i + 1)..<n {
        angle += 0.7390851332
        let c = cos(angle), s = sin(angle)
        for r in 0..<n {
          let a = q[r * n + i], b = q[r * n + j]
          q[r * n + i] = c * a - s * b
          q[r * n + j] = s * a + c * b
        }
      }
    }
    return q
  }

  /// U (m × m) · diag(s) (m × n) · Vᵀ (n × n).
  static func withSpectrum(_ s: [Double], rows m: Int, cols n: Int) -> [Double] {
    let u = orthogonal(m, seed: 0.3), v = orthogonal(n, seed: 1.1)
    var us = [Double](repeating: 0, count: m * n)
    for r in 0..<m { for c in 0..<min(m, n) { us[r * n + c] = u[r * m + c] * s[c] } }
    var vt = [Double](repeating: 0, count: n * n)
    for r in 0..<n { for c in 0..<n { vt[r * n + c] = v[c * n + r] } }
    return Linalg.multiply(us, vt, m: m, k: n, n: n)
  }

  @Test(arguments: [(12, 7), (7, 12), (9, 9)])
  func singularValuesRecoverAKnownSpectrum(_ shape: (Int, Int)) throws {
    let (m, n) = shape
    let k = min(m, n)
    let s = (0..<k).map { i in 1000 * pow(1e-3, Double(i) / Double(k - 1)) }  // condition number 1e3
    let a = Self.withSpectrum(s, rows: m, cols: n)
    let found = try Linalg.singularValues(a, rows: m, cols: n)
    for (x, y) in zip(found, s) { #expect(abs(x - y) / y < 1e-9, "\(x) vs \(y)") }
  }

  @Test func gramEigenvaluesAreSquaredSingularValues() throws {
    let s: [Double] = [5, 3, 2, 0.5]
    let a = Self.withSpectrum(s, rows: 10, cols: 4)
    let eigen = try Linalg.symmetricEigenvalues(Linalg.gram(a, rows: 10, cols: 4), n: 4)
    #expect(eigen == eigen.sorted())
    for (l, x) in zip(eigen.reversed(), s) { #expect(abs(l - x * x) / (x * x) < 1e-10) }
  }

  /// Blocks accumulated into recycled storage (larger, full of garbage) give the eigenvalues a
  /// fresh accumulator gives, and the in-place eigenvalues are the copying ones.
  @Test func gramAccumulatorRecyclesItsStorage() throws {
    let s: [Double] = [5, 3, 2, 0.5]
    let a = Self.withSpectrum(s, rows: 10, cols: 4)
    var fresh = GramAccumulator(n: 4)
    var recycled = GramAccumulator(n: 4, reusing: [Double](repeating: .nan, count: 40))
    for start in stride(from: 0, to: 10, by: 3) {
      let rows = min(3, 10 - start)
      a.withUnsafeBufferPointer { b in
        let block = UnsafeBufferPointer(rebasing: b[(start * 4)..<((start + rows) * 4)])
        fresh.add(block, rows: rows)
        recycled.add(block, rows: rows)
      }
    }
    let expected = try fresh.eigenvalues()
    #expect(try recycled.eigenvaluesInPlace() == expected)
    for (l, x) in zip(expected.reversed(), s) { #expect(abs(l - x * x) / (x * x) < 1e-10) }
    var g = [Double](repeating: 7, count: 3)
    a.withUnsafeBufferPointer { Linalg.rowGram(UnsafeBufferPointer(rebasing: $0[0..<8]), rows: 2, cols: 4, into: &g) }
    let direct = a.withUnsafeBufferPointer { Linalg.rowGram(UnsafeBufferPointer(rebasing: $0[0..<8]), rows: 2, cols: 4) }
    #expect(g == direct && g.count == 4)
  }

  /// The direct dsytrd + dsterf route gives dsyevd's eigenvalues, and matrices near Double's
  /// limits (which dsyevd rescales) take the dsyevd route.
  @Test(arguments: [1.0, 1e-170, 1e170])
  func directRouteMatchesDsyevd(scale: Double) throws {
    let s: [Double] = [9, 4, 2.5, 1, 0.25, 0.01]
    let a = Self.withSpectrum(s, rows: 12, cols: 6)
    let g = Linalg.gram(a, rows: 12, cols: 6).map { $0 * scale }
    var first = g, second = g
    let direct = try Linalg.symmetricEigenvalues(overwriting: &first, n: 6)
    let reference = try Linalg.dsyevdEigenvalues(overwriting: &second, n: 6)
    for (x, y) in zip(direct, reference) { #expect(abs(x - y) <= 1e-12 * abs(reference.last ?? 1)) }
    for (l, x) in zip(direct.reversed(), s) { #expect(abs(l / scale - x * x) / (x * x) < 1e-9) }
  }

  @Test func multiply() {
    #expect(Linalg.multiply([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], m: 2, k: 3, n: 2) == [58, 64, 139, 154])
  }

  @Test func emptyInputs() throws {
    #expect(try Linalg.singularValues([], rows: 0, cols: 3).isEmpty)
    #expect(try Linalg.symmetricEigenvalues([], n: 0).isEmpty)
  }

  @Test func nonFiniteInputIsAnErrorNotACrash() {
    // LAPACK reports NaN input through info or returns NaN; either way no trap.
    let result = try? Linalg.singularValues([.nan, 1, 1, 1], rows: 2, cols: 2)
    #expect(result == nil || result?.contains { $0.isNaN } == true)
  }
}
