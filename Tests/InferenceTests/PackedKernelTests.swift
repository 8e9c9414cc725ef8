import CPUFeatures
import Checkpoint
import Foundation
import Inference
import Linalg
import PackedGEMM
import PackedGEMMAVX2
import Testing
import _TestSupport

/// The vector kernels of preloaded Llama passes, at every instruction level this CPU runs
/// (AVX-512 and AVX2: the same source compiled twice), against plain Double arithmetic, and
/// the two levels against each other bit for bit.
@Suite("packed vector kernels", .enabled(if: Linalg.supportedLevel >= .avx2))
struct PackedKernelTests {
  /// The levels with vector kernels that this CPU runs.
  static let levels = [InstructionLevel.avx2, .avx512].filter { $0 <= Linalg.supportedLevel }

  static func kernels(_ level: InstructionLevel) -> any VectorKernelSet.Type {
    level == .avx512 ? PackedGEMM.VectorKernels.self : PackedGEMMAVX2.VectorKernels.self
  }

  static func multiply(_ m: any PackedWeights, _ x: [Float], tokens: Int, threads: Int = 2) -> [Float] {
    var y = [Float](repeating: .nan, count: tokens * m.rows)
    x.withUnsafeBufferPointer { xb in
      y.withUnsafeMutableBufferPointer { m.multiply(xb.baseAddress!, tokens: tokens, into: $0.baseAddress!, threads: threads, pool: .shared) }
    }
    return y
  }

  /// Deterministic values in −1…1 (a multiplicative hash), different for each seed.
  static func values(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { i in Float(Int((UInt32(truncatingIfNeeded: (i &+ seed &* 7919) &* 2_654_435_761) >> 8) % 2001) - 1000) / 1000 }
  }

  /// y = x · Wᵀ on shapes that exercise every edge: rows not a multiple of 32 (padded panels),
  /// token counts below, at and above the 8-token tile, inputs of 1 and above the 4096 block
  /// (with and without whole tiles there).
  @Test(arguments: levels, [(1, 1, 1), (5, 3, 7), (8, 33, 64), (13, 70, 130), (64, 960, 576), (9, 40, 4200), (16, 64, 4200), (1, 4096, 64)])
  func matchesDoubleArithmetic(_ level: InstructionLevel, _ shape: (tokens: Int, rows: Int, columns: Int)) {
    let (T, N, K) = shape
    let w = Self.values(N * K, seed: 1), x = Self.values(T * K, seed: 2)
    let y = Self.multiply(w.withUnsafeBufferPointer { Self.kernels(level).pack(rowMajor: $0, rows: N, columns: K) }, x, tokens: T)
    var worst = 0.0
    for t in 0..<T {
      for n in 0..<N {
        var exact = 0.0, magnitude = 0.0
        for k in 0..<K {
          exact += Double(x[t * K + k]) * Double(w[n * K + k])
          magnitude += abs(Double(x[t * K + k]) * Double(w[n * K + k]))
        }
        worst = max(worst, abs(Double(y[t * N + n]) - exact) / max(magnitude, 1e-30))
      }
    }
    // Float accumulation over K terms: error ≤ K·ε relative to Σ|terms|; far below here.
    #expect(worst < 1e-5, "\(shape): relative error \(worst)")
    // Both levels sum in the same order: the same bits.
    if level == .avx2, Linalg.supportedLevel >= .avx512 {
      #expect(y == Self.multiply(w.withUnsafeBufferPointer { Self.kernels(.avx512).pack(rowMajor: $0, rows: N, columns: K) }, x, tokens: T))
    }
  }

  /// The transposed (Conv1D) layout packs to the same matrix, and the result does not depend
  /// on the thread count or on which thread claimed which panels (repeated runs), bit for bit.
  @Test(arguments: levels)
  func layoutsAndThreadsAgree(_ level: InstructionLevel) {
    let (T, N, K) = (20, 100, 75)
    let w = Self.values(N * K, seed: 3), x = Self.values(T * K, seed: 4)
    var transposed = [Float](repeating: 0, count: N * K)
    for n in 0..<N { for k in 0..<K { transposed[k * N + n] = w[n * K + k] } }
    let a = w.withUnsafeBufferPointer { Self.kernels(level).pack(rowMajor: $0, rows: N, columns: K) }
    let b: any PackedWeights = transposed.withUnsafeBufferPointer {
      level == .avx512
        ? PackedGEMM.PackedMatrix(columnMajor: $0, rows: N, columns: K) as any PackedWeights
        : PackedGEMMAVX2.PackedMatrix(columnMajor: $0, rows: N, columns: K)
    }
    func run(_ m: any PackedWeights, threads: Int) -> [Float] { Self.multiply(m, x, tokens: T, threads: threads) }
    let one = run(a, threads: 1)
    for _ in 0..<20 { #expect(run(a, threads: 2) == one) }
    #expect(run(a, threads: 8) == one)
    #expect(run(b, threads: 2) == one)
  }

  /// Softmax rows of every length around the 16-float vector (1 … 70), including scores far
  /// apart (the exponential's lower clamp), against Double arithmetic; and the probability-
  /// weighted sum of value rows against Double (probabilities within 2e-6 relative: the vector
  /// exponential is good to 3e-7, the rest is float rounding), with widths that are and are not multiples of 16.
  @Test(arguments: levels, [1, 2, 15, 16, 17, 33, 64, 70])
  func softmaxAndWeightedRows(_ level: InstructionLevel, _ n: Int) {
    let VectorKernels = Self.kernels(level)
    var row = Self.values(n, seed: n).map { $0 * 12 }
    if n > 3 { row[2] = -200 }
    let original = row
    row.withUnsafeMutableBufferPointer { VectorKernels.softmax($0.baseAddress!, count: n) }
    let m = original.map(Double.init).max()!
    let total = original.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
    for i in 0..<n {
      let expected = Foundation.exp(Double(original[i]) - m) / total
      #expect(abs(Double(row[i]) - expected) <= 2e-6 * expected + 1e-30, "n=\(n) i=\(i): \(row[i]) vs \(expected)")
    }
    #expect(abs(row.reduce(0.0) { $0 + Double($1) } - 1) < 1e-5)
    for width in [64, 40] {
      let stride = width + 8
      let rows = Self.values(n * stride, seed: 5)
      var out = [Float](repeating: .nan, count: width)
      row.withUnsafeBufferPointer { p in
        rows.withUnsafeBufferPointer { r in
          out.withUnsafeMutableBufferPointer { o in
            VectorKernels.weightedRows(p.baseAddress!, count: n, rows: r.baseAddress!, stride: stride, width: width, into: o.baseAddress!)
          }
        }
      }
      for c in 0..<width {
        let expected = (0..<n).reduce(0.0) { $0 + Double(row[$1]) * Double(rows[$1 * stride + c]) }
        #expect(abs(Double(out[c]) - expected) < 1e-6, "n=\(n) width=\(width) c=\(c)")
      }
    }
  }

  /// The vector exponential within 3e-7 relative of the library's over the range silu uses,
  /// and SwiGLU equal to its scalar definition.
  @Test(arguments: levels)
  func exponentialAndSwiGLU(_ level: InstructionLevel) {
    var worst = 0.0
    var x: Float = -87
    while x < 88 {
      let ours = level == .avx512 ? PackedGEMM.VectorKernels.exp(SIMD16(repeating: x))[0] : PackedGEMMAVX2.VectorKernels.exp(SIMD16(repeating: x))[0]
      worst = max(worst, abs(Double(ours) - Foundation.exp(Double(x))) / Foundation.exp(Double(x)))
      x += 0.0137
    }
    #expect(worst < 3e-7, "relative error \(worst)")
    let gate = Self.values(100, seed: 5).map { $0 * 20 }, up = Self.values(100, seed: 6)
    var out = [Float](repeating: 0, count: 100)
    let VectorKernels = Self.kernels(level)
    gate.withUnsafeBufferPointer { g in
      up.withUnsafeBufferPointer { u in out.withUnsafeMutableBufferPointer { VectorKernels.swiGLU(gate: g.baseAddress!, up: u.baseAddress!, into: $0.baseAddress!, count: 100) } }
    }
    for i in 0..<100 {
      let expected = Double(gate[i]) / (1 + Foundation.exp(-Double(gate[i]))) * Double(up[i])
      #expect(abs(Double(out[i]) - expected) <= 1e-6 * max(1, abs(expected)), "\(i)")
    }
  }

  /// SmolLM2 preloaded (every product on the packed kernel of this process's level, 8-token
  /// tiles included) computes the streaming (OpenBLAS) pass's hidden states and logits. (Each
  /// level's whole pass is compared in the command-line tests, one process per level.)
  @Test func smolLM2PackedEqualsStreaming() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let model = try LanguageModel(checkpoint: try Checkpoint.openGGUF(at: Repository.smolLM2))
    let tokens = Array((0..<21).map { 100 + 37 * $0 })
    let streaming = try model.forward(tokens), packed = try model.preloaded().forward(tokens)
    for l in stride(from: 0, through: model.layers, by: 5) {
      #expect(InferenceTests.relativeError(packed.hiddenStates[l], streaming.hiddenStates[l].map(Double.init)) < 1e-4, "layer \(l)")
    }
    #expect(InferenceTests.relativeError(packed.logits, streaming.logits.map(Double.init)) < 1e-4)
    #expect(packed.top(1).first?.token == streaming.top(1).first?.token)
  }
}
