import Anatomy
import Checkpoint
import Foundation
import Testing
import _TestSupport

@testable import Analysis

/// Matrices whose singular values are known exactly: W = U·diag(s)·Vᵀ with U and V scaled
/// Hadamard matrices under random signed permutations, and integer s. Every entry is then a
/// dyadic rational that F32 stores exactly, so the stored matrix has exactly the spectrum s.
@Suite("known spectra")
struct KnownSpectrumTests {
  /// Sylvester Hadamard matrix of order n (a power of 2), entries ±1.
  static func hadamard(_ n: Int) -> [[Double]] {
    var h: [[Double]] = [[1]]
    while h.count < n {
      h = h.map { $0 + $0 } + h.map { $0 + $0.map { -$0 } }
    }
    return h
  }

  /// A random signed permutation applied to the rows of H/√n: still orthogonal, still exact.
  static func orthogonal(_ n: Int, seed: UInt64) -> [[Double]] {
    var state = seed
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 33
    }
    let h = hadamard(n)
    var order = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(next() % UInt64(i + 1))) }
    let scale = 1 / Double(n).squareRoot()
    return order.map { r in
      let sign: Double = next() % 2 == 0 ? 1 : -1
      return h[r].map { $0 * scale * sign }
    }
  }

  /// W (rows × cols) with singular values s (length min(rows, cols)).
  static func matrix(rows: Int, cols: Int, s: [Double]) -> [Float] {
    let u = orthogonal(rows, seed: 11), v = orthogonal(cols, seed: 29)
    var w = [Float](repeating: 0, count: rows * cols)
    for i in 0..<rows {
      for j in 0..<cols {
        var x = 0.0
        for k in 0..<s.count { x += u[i][k] * s[k] * v[j][k] }
        w[i * cols + j] = Float(x)
        precondition(Double(Float(x)) == x, "entry not exact in F32")
      }
    }
    return w
  }

  /// Integer singular values from 1000 down to 1 (condition number 1000), geometric.
  static func spectrum(_ k: Int) -> [Double] {
    (0..<k).map { i in (1000 * pow(1e-3, Double(i) / Double(k - 1))).rounded() }
  }

  static func analyse(rows: Int, cols: Int, method: SpectrumMethod) throws -> (MatrixAnalysis, [Double]) {
    let s = spectrum(min(rows, cols))
    let dir = TemporaryDirectory()
    let path = dir.file("m.safetensors")
    try SafetensorsWriter(entries: [.init(name: "w", shape: [rows, cols], floats: matrix(rows: rows, cols: cols, s: s))])
      .write(to: path)
    let checkpoint = try Checkpoint.openSafetensors(at: path)
    let tensor = try #require(checkpoint.tensor(named: "w"))
    let source = MatrixSource(tensor: tensor, role: .unmapped, layer: nil, layout: .outIn)
    let m = try MatrixAnalyzer.analyze(source, in: checkpoint, options: AnalysisOptions(method: method))
    return (m, s.sorted(by: >))
  }

  @Test(arguments: [(256, 64), (64, 256), (64, 64), (1024, 16)])
  func gramRouteWithin1e4(_ shape: (Int, Int)) throws {
    let (m, s) = try Self.analyse(rows: shape.0, cols: shape.1, method: .gram)
    #expect(m.singularValues.count == s.count)
    var worst = 0.0
    for (found, truth) in zip(m.singularValues, s) where truth >= 1e-3 * s[0] {
      worst = max(worst, abs(found - truth) / truth)
    }
    #expect(worst <= 1e-4, "worst relative error \(worst)")
    let frobenius = s.reduce(0) { $0 + $1 * $1 }.squareRoot()
    #expect(abs(m.frobeniusNorm - frobenius) / frobenius < 1e-12)
  }

  @Test(arguments: [(256, 64), (64, 256), (64, 64)])
  func exactRouteWithin1e6(_ shape: (Int, Int)) throws {
    let (m, s) = try Self.analyse(rows: shape.0, cols: shape.1, method: .exact)
    var worst = 0.0
    for (found, truth) in zip(m.singularValues, s) { worst = max(worst, abs(found - truth) / truth) }
    #expect(worst <= 1e-6, "worst relative error \(worst)")
  }
}
