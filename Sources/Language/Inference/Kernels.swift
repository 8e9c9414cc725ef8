import CPUFeatures
import Foundation
import Linalg
import PackedGEMM
import PackedGEMMAVX2

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The small operations of a transformer block, on row-major `[tokens × width]` arrays.
enum Kernels {
  /// The vector kernels at ``Linalg/level``: AVX-512 or AVX2 (the same source, so the same
  /// sums in the same order), or nil at the scalar level (plain Swift and OpenBLAS).
  static let vector: (any VectorKernelSet.Type)? = {
    switch Linalg.level {
    case .avx512: PackedGEMM.VectorKernels.self
    case .avx2: PackedGEMMAVX2.VectorKernels.self
    case .scalar: nil
    }
  }()

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

  /// `x · Wᵀ` with W packed for the AVX-512 kernel, on as many threads as OpenBLAS uses.
  static func linear(_ x: [Float], _ w: any PackedWeights, tokens: Int) -> [Float] {
    // Every element is written by the kernel, so the array is not zeroed first.
    [Float](unsafeUninitializedCapacity: tokens * w.rows) { yb, initialized in
      x.withUnsafeBufferPointer { xb in
        guard let xp = xb.baseAddress, let yp = yb.baseAddress else { return }
        w.multiply(xp, tokens: tokens, into: yp, threads: Linalg.threadCount, pool: .shared)
      }
      initialized = tokens * w.rows
    }
  }

  /// x += y, elementwise.
  static func add(_ y: [Float], to x: inout [Float]) {
    guard let vector else {
      for i in x.indices { x[i] += y[i] }
      return
    }
    y.withUnsafeBufferPointer { yb in
      x.withUnsafeMutableBufferPointer { xb in
        guard let yp = yb.baseAddress, let xp = xb.baseAddress else { return }
        vector.axpy(1, yp, xp, count: min(xb.count, yb.count))
      }
    }
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
    x.withUnsafeBufferPointer { xb in
      y.withUnsafeMutableBufferPointer { yb in
        w.withUnsafeBufferPointer { wb in
          guard let x0 = xb.baseAddress, let y0 = yb.baseAddress, let w0 = wb.baseAddress, width > 0 else { return }
          for t in 0..<(xb.count / width) {
            let xt = x0 + t * width, yt = y0 + t * width
            // Four partial sums in Double (independent, so they pipeline), added in a fixed order.
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var i = 0
            while i + 4 <= width {
              s0 += Double(xt[i]) * Double(xt[i])
              s1 += Double(xt[i + 1]) * Double(xt[i + 1])
              s2 += Double(xt[i + 2]) * Double(xt[i + 2])
              s3 += Double(xt[i + 3]) * Double(xt[i + 3])
              i += 4
            }
            while i < width {
              s0 += Double(xt[i]) * Double(xt[i])
              i += 1
            }
            let s = (s0 + s1) + (s2 + s3)
            let scale = Float(1 / (s / Double(width) + Double(epsilon)).squareRoot())
            for i in 0..<width { yt[i] = xt[i] * scale * w0[i] }
          }
        }
      }
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
  /// two `sgemm`s per head on strided slices; the softmax runs in Double. With a `window`, a
  /// query attends only to the `window` most recent keys, itself included (sliding-window
  /// layers: Gemma 3's local attention).
  static func attention(
    q: [Float], k: [Float], v: [Float], segments: [Range<Int>], heads H: Int, kvHeads G: Int, headDim D: Int, window: Int = .max
  ) -> (
    out: [Float], probabilities: [Float]
  ) {
    let total = segments.last?.upperBound ?? 0
    var out = [Float](repeating: 0, count: total * H * D)
    var probabilities = [Float](repeating: 0, count: segments.reduce(0) { $0 + H * $1.count * $1.count })
    let scale = Float(1 / Double(D).squareRoot())
    let group = H / G
    if let vector {
      attentionVector(
        vector, q: q, k: k, v: v, segments: segments, heads: H, kvHeads: G, headDim: D, window: window, out: &out, probabilities: &probabilities)
      return (out, probabilities)
    }
    // These products are tiny (tokens × head size): OpenBLAS's thread hand-offs would cost more
    // than they save, so they run on this thread.
    let threads = Linalg.threadCount
    Linalg.setThreadCount(1)
    defer { Linalg.setThreadCount(threads) }
    withAttentionBuffers(q, k, v, &out, &probabilities) { qb0, kb0, vb0, ob0, pb0 in
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
            let first = window == .max ? 0 : max(0, t - window + 1)
            var m = -Double.infinity
            for s in first...t { m = max(m, Double(row[s])) }
            var sum = 0.0
            for s in first...t { sum += exp(Double(row[s]) - m) }
            for s in first...t { row[s] = Float(exp(Double(row[s]) - m) / sum) }
            for s in 0..<first { row[s] = 0 }
            for s in (t + 1)..<max(t + 1, T) { row[s] = 0 }
          }
          // out_h = P · V_g
          Linalg.sgemm(transposeA: false, transposeB: false, m: T, n: D, k: T, scores, lda: T, vp + g * D, ldb: G * D, op + h * D, ldc: H * D)
        }
      }
    }
    return (out, probabilities)
  }

  /// The same attention with the vector kernels: only the causal half of the scores is
  /// computed (a dot product of two contiguous head rows each), and each output row is a sum of
  /// value rows scaled by the probabilities.
  static func attentionVector(
    _ kernels: any VectorKernelSet.Type, q: [Float], k: [Float], v: [Float], segments: [Range<Int>], heads H: Int, kvHeads G: Int, headDim D: Int,
    window: Int = .max, out: inout [Float], probabilities: inout [Float]
  ) {
    let scale = Float(1 / Double(D).squareRoot())
    let group = H / G
    withAttentionBuffers(q, k, v, &out, &probabilities) { q0, k0, v0, o0, p0 in
      let addresses = (Int(bitPattern: q0), Int(bitPattern: k0), Int(bitPattern: v0), Int(bitPattern: o0), Int(bitPattern: p0))
      var probabilityOffset = 0
      for segment in segments {
        let T = segment.count, offset = probabilityOffset, lower = segment.lowerBound
        // One query of one head: its own probability row and output slice, computed in the
        // same order whatever the thread count.
        @Sendable func query(_ h: Int, _ t: Int) {
          guard let q0 = UnsafePointer<Float>(bitPattern: addresses.0), let k0 = UnsafePointer<Float>(bitPattern: addresses.1),
            let v0 = UnsafePointer<Float>(bitPattern: addresses.2), let o0 = UnsafeMutablePointer<Float>(bitPattern: addresses.3),
            let p0 = UnsafeMutablePointer<Float>(bitPattern: addresses.4)
          else { return }
          let g = h / group
          let qt = q0 + (lower + t) * H * D + h * D
          let row = p0 + offset + h * T * T + t * T
          let first = window == .max ? 0 : max(0, t - window + 1)
          for s in first...t { row[s] = scale * kernels.dot(qt, k0 + (lower + s) * G * D + g * D, count: D) }
          kernels.softmax(row + first, count: t + 1 - first)
          kernels.weightedRows(
            row + first, count: t + 1 - first, rows: v0 + (lower + first) * G * D + g * D, stride: G * D, width: D,
            into: o0 + (lower + t) * H * D + h * D)
        }
        // Every (head, query) pair is independent (its own probability row and output
        // slice); dealt out in turn, the causal rows' growing cost is shared evenly.
        let parts = WorkerPool.shared.workers + 1
        WorkerPool.shared.run(parts: parts) { part in
          for i in stride(from: part, to: H * T, by: parts) { query(i / T, i % T) }
        }
        probabilityOffset += H * T * T
      }
    }
  }

  /// Runs `body` with the base addresses of an attention step's five buffers; does nothing when
  /// any is empty (no tokens).
  private static func withAttentionBuffers(
    _ q: [Float], _ k: [Float], _ v: [Float], _ out: inout [Float], _ probabilities: inout [Float],
    _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          out.withUnsafeMutableBufferPointer { ob in
            probabilities.withUnsafeMutableBufferPointer { pb in
              guard let q0 = qb.baseAddress, let k0 = kb.baseAddress, let v0 = vb.baseAddress, let o0 = ob.baseAddress, let p0 = pb.baseAddress
              else { return }
              body(q0, k0, v0, o0, p0)
            }
          }
        }
      }
    }
  }

  /// SwiGLU: `silu(gate) · up` for `tokens` rows of `[gate | up]` (each `width` wide), rows
  /// split over the cores; the AVX-512 vector kernel where the CPU has it.
  static func swiGLU(_ gu: [Float], tokens: Int, width f: Int) -> [Float] {
    var a = [Float](repeating: 0, count: tokens * f)
    let chunks = min(tokens, WorkerPool.shared.workers + 1)
    let vector = Self.vector
    gu.withUnsafeBufferPointer { gb in
      a.withUnsafeMutableBufferPointer { ab in
        guard let g0 = gb.baseAddress, let a0 = ab.baseAddress else { return }
        let (gAddress, aAddress) = (Int(bitPattern: g0), Int(bitPattern: a0))
        WorkerPool.shared.run(parts: chunks) { c in
          guard let g = UnsafePointer<Float>(bitPattern: gAddress), let a = UnsafeMutablePointer<Float>(bitPattern: aAddress) else { return }
          for t in stride(from: c, to: tokens, by: chunks) {
            if let vector {
              vector.swiGLU(gate: g + t * 2 * f, up: g + t * 2 * f + f, into: a + t * f, count: f)
            } else {
              for j in 0..<f { a[t * f + j] = silu(g[t * 2 * f + j]) * g[t * 2 * f + f + j] }
            }
          }
        }
      }
    }
    return a
  }

  /// cos and sin of every position's rotary angles (positions × D/2 each), computed once per
  /// pass and shared by q and k in every layer.
  struct RotaryTable {
    var cos: [Float]
    var sin: [Float]
    let half: Int

    init(positions: Int, headDim D: Int, base: Double) {
      half = D / 2
      let frequencies = (0..<half).map { pow(base, -2 * Double($0) / Double(D)) }
      cos = [Float](repeating: 0, count: positions * half)
      sin = cos
      for p in 0..<positions {
        for i in 0..<half {
          let angle = Double(p) * frequencies[i]
          cos[p * half + i] = Float(Foundation.cos(angle))
          sin[p * half + i] = Float(Foundation.sin(angle))
        }
      }
    }
  }

  /// Rotary position embedding in place on `x` (tokens × heads·D), from a precomputed table;
  /// token t of a segment sits at position `offset + t − segment start` (offset: the tokens a
  /// key–value cache already holds).
  static func rope(_ x: inout [Float], segments: [Range<Int>], heads: Int, headDim D: Int, table: RotaryTable, interleaved: Bool, offset: Int = 0) {
    let half = D / 2
    for segment in segments {
      for t in segment {
        let position = offset + t - segment.lowerBound
        for h in 0..<heads {
          let base = (t * heads + h) * D
          for i in 0..<half {
            let c = table.cos[position * half + i], s = table.sin[position * half + i]
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

  /// Per row of `a` (`rows × width`): the fraction of its entries whose magnitude is below a
  /// tenth of the row's root mean square, in [0, 1] (0 for a zero row), summed in Double.
  static func smallFraction(_ a: [Float], rows: Int, width: Int) -> [Float] {
    a.withUnsafeBufferPointer { p in
      (0..<rows).map { r in
        let row = UnsafeBufferPointer(rebasing: p[(r * width)..<((r + 1) * width)])
        var squares = 0.0
        for v in row { squares += Double(v) * Double(v) }
        let limit = Float(0.1 * (squares / Double(max(1, width))).squareRoot())
        guard limit > 0 else { return 0 }
        var small = 0
        for v in row where abs(v) < limit { small += 1 }
        return Float(Double(small) / Double(width))
      }
    }
  }

}
