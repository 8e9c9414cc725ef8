import Linalg

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The small operations of a transformer block, on row-major `[tokens × width]` arrays.
enum Kernels {
  /// `x · Wᵀ` for W stored as output rows × input columns.
  static func linear(_ x: [Float], _ w: UnsafeBufferPointer<Float>, tokens: Int, input: Int, output: Int) -> [Float] {
    var y = [Float](repeating: 0, count: tokens * output)
    x.withUnsafeBufferPointer { xb in
      y.withUnsafeMutableBufferPointer { yb in
        guard let xp = xb.baseAddress, let wp = w.baseAddress, let yp = yb.baseAddress else { return }
        Linalg.multiplyTransposed(xp, wp, m: tokens, k: input, n: output, into: yp)
      }
    }
    return y
  }

  /// `x · W + b` for W stored as input rows × output columns (GPT-2's Conv1D).
  static func conv1D(_ x: [Float], _ w: [Float], _ b: [Float], tokens: Int, input: Int, output: Int) -> [Float] {
    var y = [Float](repeating: 0, count: tokens * output)
    x.withUnsafeBufferPointer { xb in
      w.withUnsafeBufferPointer { wb in
        y.withUnsafeMutableBufferPointer { yb in
          guard let xp = xb.baseAddress, let wp = wb.baseAddress, let yp = yb.baseAddress else { return }
          Linalg.multiply(xp, wp, m: tokens, k: input, n: output, into: yp)
        }
      }
    }
    for t in 0..<tokens { for j in 0..<output { y[t * output + j] += b[j] } }
    return y
  }

  /// RMSNorm: x · w / √(mean(x²) + ε), per token (sums in Double).
  static func rmsNorm(_ x: [Float], _ w: [Float], width: Int, epsilon: Float) -> [Float] {
    var y = x
    for t in 0..<(x.count / width) {
      var s = 0.0
      for i in 0..<width { s += Double(x[t * width + i]) * Double(x[t * width + i]) }
      let scale = Float(1 / (s / Double(width) + Double(epsilon)).squareRoot())
      for i in 0..<width { y[t * width + i] = x[t * width + i] * scale * w[i] }
    }
    return y
  }

  /// LayerNorm: (x − mean)/√(var + ε) · w + b, per token (sums in Double).
  static func layerNorm(_ x: [Float], _ w: [Float], _ b: [Float], width: Int, epsilon: Float) -> [Float] {
    var y = x
    for t in 0..<(x.count / width) {
      var mean = 0.0
      for i in 0..<width { mean += Double(x[t * width + i]) }
      mean /= Double(width)
      var v = 0.0
      for i in 0..<width { v += (Double(x[t * width + i]) - mean) * (Double(x[t * width + i]) - mean) }
      let scale = 1 / (v / Double(width) + Double(epsilon)).squareRoot()
      for i in 0..<width { y[t * width + i] = Float((Double(x[t * width + i]) - mean) * scale) * w[i] + b[i] }
    }
    return y
  }

  /// Causal multi-head attention with grouped keys and values. `q`: tokens × heads·D, `k`,
  /// `v`: tokens × kvHeads·D. Returns the mixed values (tokens × heads·D) and the
  /// probabilities (heads × tokens × tokens, zero above the diagonal). Scores and mixing are
  /// two `sgemm`s per head on strided slices; the softmax runs in Double.
  static func attention(q: [Float], k: [Float], v: [Float], segments: [Range<Int>], heads H: Int, kvHeads G: Int, headDim D: Int) -> (
    out: [Float], probabilities: [Float]
  ) {
    let total = segments.last?.upperBound ?? 0
    var out = [Float](repeating: 0, count: total * H * D)
    var probabilities = [Float](repeating: 0, count: segments.reduce(0) { $0 + H * $1.count * $1.count })
    let scale = Float(1 / Double(D).squareRoot())
    let group = H / G
    // These products are tiny (tokens × head size): OpenBLAS's thread hand-offs would cost more
    // than they save, so they run on this thread.
    let threads = Linalg.threadCount
    Linalg.setThreadCount(1)
    defer { Linalg.setThreadCount(threads) }
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          out.withUnsafeMutableBufferPointer { ob in
            probabilities.withUnsafeMutableBufferPointer { pb in
              guard let qb0 = qb.baseAddress, let kb0 = kb.baseAddress, let vb0 = vb.baseAddress, let ob0 = ob.baseAddress, let pb0 = pb.baseAddress
              else { return }
              var probabilityOffset = 0
              for segment in segments {
                let T = segment.count
                let qp = qb0 + segment.lowerBound * H * D
                let kp = kb0 + segment.lowerBound * G * D
                let vp = vb0 + segment.lowerBound * G * D
                let op = ob0 + segment.lowerBound * H * D
                let pp = pb0 + probabilityOffset
                probabilityOffset += H * T * T
                for h in 0..<H {
                  let g = h / group
                  let scores = pp + h * T * T
                  // scores = scale · Q_h · K_gᵀ
                  Linalg.sgemm(
                    transposeA: false, transposeB: true, m: T, n: T, k: D, qp + h * D, lda: H * D, kp + g * D, ldb: G * D, scores, ldc: T,
                    alpha: scale)
                  for t in 0..<T {
                    let row = scores + t * T
                    var m = -Double.infinity
                    for s in 0...t { m = max(m, Double(row[s])) }
                    var sum = 0.0
                    for s in 0...t { sum += exp(Double(row[s]) - m) }
                    for s in 0...t { row[s] = Float(exp(Double(row[s]) - m) / sum) }
                    for s in (t + 1)..<max(t + 1, T) { row[s] = 0 }
                  }
                  // out_h = P · V_g
                  Linalg.sgemm(transposeA: false, transposeB: false, m: T, n: D, k: T, scores, lda: T, vp + g * D, ldb: G * D, op + h * D, ldc: H * D)
                }
              }
            }
          }
        }
      }
    }
    return (out, probabilities)
  }

  /// Rotary position embedding in place on `x` (tokens × heads·D), positions 0…T−1, with
  /// θ_i = base^(−2i/D).
  static func rope(_ x: inout [Float], segments: [Range<Int>], heads: Int, headDim D: Int, base: Double, interleaved: Bool) {
    let half = D / 2
    let frequencies = (0..<half).map { pow(base, -2 * Double($0) / Double(D)) }
    for segment in segments {
      for t in segment {
        let position = Double(t - segment.lowerBound)
        for i in 0..<half {
          let angle = position * frequencies[i]
          let c = Float(cos(angle))
          let s = Float(sin(angle))
          for h in 0..<heads {
            let base = (t * heads + h) * D
            let a = interleaved ? base + 2 * i : base + i
            let b = interleaved ? base + 2 * i + 1 : base + i + half
            let x0 = x[a]
            let x1 = x[b]
            x[a] = x0 * c - x1 * s
            x[b] = x0 * s + x1 * c
          }
        }
      }
    }
  }

  /// The three column blocks of a `rows × (a + b + c)` matrix.
  static func splitColumns(_ m: [Float], rows: Int, widths: (Int, Int, Int)) -> ([Float], [Float], [Float]) {
    let (a, b, c) = widths
    let w = a + b + c
    var x = [Float](repeating: 0, count: rows * a), y = [Float](repeating: 0, count: rows * b), z = [Float](repeating: 0, count: rows * c)
    for r in 0..<rows {
      for i in 0..<a { x[r * a + i] = m[r * w + i] }
      for i in 0..<b { y[r * b + i] = m[r * w + a + i] }
      for i in 0..<c { z[r * c + i] = m[r * w + a + b + i] }
    }
    return (x, y, z)
  }

  static func silu(_ x: Float) -> Float { x / (1 + exp(-x)) }

  /// GPT-2's tanh approximation of GELU ("gelu_new").
  static func geluNew(_ x: Float) -> Float {
    let c = Float((2 / Double.pi).squareRoot())
    return 0.5 * x * (1 + tanh(c * (x + 0.044715 * x * x * x)))
  }
}
