public import CPUFeatures
public import Linalg

/// Dot products and scaled additions of float vectors in 16-float vectors, for the attention
/// and MLP of a forward pass (rows of 64 floats: a head). This file is compiled twice, for
/// AVX-512 (module `PackedGEMM`) and for AVX2 + FMA (module `PackedGEMMAVX2`, a link to it):
/// call a module's kernels only when ``Linalg/level`` is its ``level``.
public enum VectorKernels: VectorKernelSet {
  #if EIGENTONE_AVX2
    public static let level = InstructionLevel.avx2
  #else
    public static let level = InstructionLevel.avx512
  #endif

  public static func pack(rowMajor w: UnsafeBufferPointer<Float>, rows: Int, columns: Int) -> any PackedWeights {
    PackedMatrix(rowMajor: w, rows: rows, columns: columns)
  }

  /// Σ a[i]·b[i] over `count` floats (four partial sums, then a fixed-order reduction, so
  /// the result is the same every run).
  public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
    var i = 0
    while i &+ 32 <= count {
      s0.addProduct(load(a + i), load(b + i))
      s1.addProduct(load(a + (i &+ 16)), load(b + (i &+ 16)))
      i &+= 32
    }
    while i &+ 16 <= count {
      s0.addProduct(load(a + i), load(b + i))
      i &+= 16
    }
    var total = (s0 + s1).sum()
    while i < count {
      total += a[i] * b[i]
      i &+= 1
    }
    return total
  }

  /// y[i] += alpha · x[i] over `count` floats.
  public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    let a = SIMD16<Float>(repeating: alpha)
    var i = 0
    while i &+ 16 <= count {
      var v = load(y + i)
      v.addProduct(a, load(x + i))
      UnsafeMutableRawPointer(y + i).storeBytes(of: v, as: SIMD16<Float>.self)
      i &+= 16
    }
    while i < count {
      y[i] += alpha * x[i]
      i &+= 1
    }
  }

  /// out[i] = silu(gate[i]) · up[i] = gate[i] / (1 + e^(−gate[i])) · up[i] over `count`
  /// floats, with a vector exponential (relative error below 2e-7 over the float range; see
  /// ``exp(_:)``).
  public static func swiGLU(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i &+ 16 <= count {
      let g = load(gate + i)
      let value = g / (1 + exp(-g)) * load(up + i)
      UnsafeMutableRawPointer(out + i).storeBytes(of: value, as: SIMD16<Float>.self)
      i &+= 16
    }
    while i < count {
      let g = gate[i]
      out[i] = g / (1 + exp(SIMD16(repeating: -g))[0]) * up[i]
      i &+= 1
    }
  }

  /// In place, `row[i] ← e^(row[i] − max) / Σ e^(row[j] − max)` over `count` floats: the
  /// exponentials with ``exp(_:)`` 16 at a time, their sum in Double in a fixed order (so the
  /// result is the same every run). Differences below −87 saturate at e^−87 ≈ 1.6e-38, which
  /// next to the largest term's 1 changes nothing a float can hold.
  public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    var m = -Float.infinity
    for i in 0..<count { m = max(m, row[i]) }
    let shift = SIMD16<Float>(repeating: m)
    var sum = 0.0
    var i = 0
    while i < count {
      let lanes = min(16, count &- i)
      var v = SIMD16<Float>(repeating: -.infinity)
      if lanes == 16 { v = load(row + i) } else { for j in 0..<lanes { v[j] = row[i &+ j] } }
      // Lanes past the end hold e^(−∞ clamped) and are neither summed nor stored.
      let e = exp(v - shift)
      for j in 0..<lanes { sum += Double(e[j]) }
      if lanes == 16 {
        UnsafeMutableRawPointer(row + i).storeBytes(of: e, as: SIMD16<Float>.self)
      } else {
        for j in 0..<lanes { row[i &+ j] = e[j] }
      }
      i &+= 16
    }
    let scale = SIMD16<Float>(repeating: Float(1 / sum))
    i = 0
    while i &+ 16 <= count {
      UnsafeMutableRawPointer(row + i).storeBytes(of: load(row + i) * scale, as: SIMD16<Float>.self)
      i &+= 16
    }
    while i < count {
      row[i] *= scale[0]
      i &+= 1
    }
  }

  /// In place, `row[i] ← e^(row[i] − shift)` with ``exp(_:)`` 16 at a time; returns Σ of the
  /// results, summed in Double in a fixed order (a softmax's denominator).
  public static func exponentiate(_ row: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Double {
    let s = SIMD16<Float>(repeating: shift)
    var sum = 0.0
    var i = 0
    while i &+ 16 <= count {
      let e = exp(load(row + i) - s)
      UnsafeMutableRawPointer(row + i).storeBytes(of: e, as: SIMD16<Float>.self)
      sum += Double(e.sum())
      i &+= 16
    }
    if i < count {
      var v = SIMD16<Float>(repeating: shift)
      for j in 0..<(count &- i) { v[j] = row[i &+ j] }
      let e = exp(v - s)
      for j in 0..<(count &- i) {
        row[i &+ j] = e[j]
        sum += Double(e[j])
      }
    }
    return sum
  }

  /// tanh for 16 floats as 1 − 2/(e^{2u} + 1) with ``exp(_:)``: exact limits ±1 where e^{2u}
  /// saturates, an absolute error near 1e-7 around 0.
  @inline(__always)
  static func tanh(_ u: SIMD16<Float>) -> SIMD16<Float> {
    1 - 2 / (exp(u + u) + 1)
  }

  /// √(2/π) and GELU's cubic coefficient.
  static let geluScale: Float = 0.797_884_560_802_865_4
  static let geluCubic: Float = 0.044715

  public static func geluTanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    let k = SIMD16<Float>(repeating: geluScale), a = SIMD16<Float>(repeating: geluCubic)
    var i = 0
    while i < count {
      let lanes = min(16, count &- i)
      var v = SIMD16<Float>()
      if lanes == 16 { v = load(x + i) } else { for j in 0..<lanes { v[j] = x[i &+ j] } }
      let cube: SIMD16<Float> = a * v * v * v
      let out: SIMD16<Float> = 0.5 * v * (1 + tanh(k * (v + cube)))
      if lanes == 16 {
        UnsafeMutableRawPointer(y + i).storeBytes(of: out, as: SIMD16<Float>.self)
      } else {
        for j in 0..<lanes { y[i &+ j] = out[j] }
      }
      i &+= 16
    }
  }

  public static func geluTanhBackward(_ x: UnsafePointer<Float>, gradient dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int) {
    let k = SIMD16<Float>(repeating: geluScale), a = SIMD16<Float>(repeating: geluCubic)
    var i = 0
    while i < count {
      let lanes = min(16, count &- i)
      var v = SIMD16<Float>(), g = SIMD16<Float>()
      if lanes == 16 {
        v = load(x + i)
        g = load(dy + i)
      } else {
        for j in 0..<lanes {
          v[j] = x[i &+ j]
          g[j] = dy[i &+ j]
        }
      }
      let v2: SIMD16<Float> = v * v
      let th: SIMD16<Float> = tanh(k * (v + a * v2 * v))
      let half = SIMD16<Float>(repeating: 0.5), one = SIMD16<Float>(repeating: 1)
      let sech2: SIMD16<Float> = one - th * th
      let inner: SIMD16<Float> = k * (one + 3 * a * v2)
      let local: SIMD16<Float> = half * (one + th) + half * v * sech2 * inner
      let out = local * g
      if lanes == 16 {
        UnsafeMutableRawPointer(dx + i).storeBytes(of: out, as: SIMD16<Float>.self)
      } else {
        for j in 0..<lanes { dx[i &+ j] = out[j] }
      }
      i &+= 16
    }
  }

  /// `out[0..<width] = Σₛ weights[s] · rows[s·stride ..< s·stride + width]` over `count` rows:
  /// the attention output of one query (probabilities times value rows). Sixteen outputs at a
  /// time are summed in a register over all rows in order, then stored once.
  public static func weightedRows(
    _ weights: UnsafePointer<Float>, count: Int, rows: UnsafePointer<Float>, stride: Int, width: Int, into out: UnsafeMutablePointer<Float>
  ) {
    var c = 0
    while c &+ 16 <= width {
      var acc = SIMD16<Float>()
      var r = rows + c
      for s in 0..<count {
        acc.addProduct(SIMD16(repeating: weights[s]), load(r))
        r += stride
      }
      UnsafeMutableRawPointer(out + c).storeBytes(of: acc, as: SIMD16<Float>.self)
      c &+= 16
    }
    while c < width {
      var acc: Float = 0
      for s in 0..<count { acc += weights[s] * rows[s &* stride &+ c] }
      out[c] = acc
      c &+= 1
    }
  }

  /// e^x for 16 floats: n = round(x·log₂e), f = x − n·ln 2 (Cody–Waite), e^f by its degree-7
  /// Taylor polynomial (truncation error < 5e-9 for |f| ≤ ½ ln 2), 2ⁿ by building the float's
  /// exponent. Inputs are clamped to [−87, 88], where e^x stays a
  /// normal float (silu only needs e^x to saturate there).
  @inline(__always)
  public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let clamped = pointwiseMax(pointwiseMin(x, SIMD16(repeating: 88)), SIMD16(repeating: -87))
    let t = clamped * 1.442_695_04
    // Adding 1.5·2²³ rounds t to an integer (nearest, ties to even) held in the low mantissa
    // bits, so n and its bit pattern come without a float-to-integer conversion.
    let magic = SIMD16<Float>(repeating: 12_582_912)
    let shifted = t + magic
    let n = shifted - magic
    // f = x − n·ln 2 in two steps (Cody–Waite: ln 2 split so n·ln2hi is exact), |f| ≤ ½ ln 2.
    let f = (clamped - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187e-6
    var p = SIMD16<Float>(repeating: 1.0 / 5040)
    p = p * f + 1.0 / 720
    p = p * f + 1.0 / 120
    p = p * f + 1.0 / 24
    p = p * f + 1.0 / 6
    p = p * f + 0.5
    p = p * f + 1
    p = p * f + 1
    let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
    let bits = (integer &+ 127) &<< 23
    return p * unsafeBitCast(bits, to: SIMD16<Float>.self)
  }

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
  }
}
