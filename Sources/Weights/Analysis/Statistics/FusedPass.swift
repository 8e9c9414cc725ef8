/// The per-value kernels of an analysis, vectorised eight values at a time.
///
/// This one file is compiled twice: here, for any x86-64 or ARM CPU, and as the
/// `AnalysisAVX512` module (a symbolic link to this file, built with AVX-512 enabled), which
/// ``MatrixAnalyzer`` calls when `Linalg.hasAVX512` says the CPU has it. Without AVX-512 the
/// eight-lane accumulators do not fit the 16 SSE registers and spill to memory on every value;
/// with it the first pass and the histogram run 3–5× faster (GPT-2: 0.58 s of CPU to ~0.15 s).
package enum FusedPass {
  typealias V = SIMD8<Double>

  /// Shifted power sums Σ(x − shift)ᵏ (k = 0…4), extremes and non-finite counts of one block.
  /// A tuple, so that both compilations of this file return the same type.
  package typealias Totals = (
    n: Double, s1: Double, s2: Double, s3: Double, s4: Double, minimum: Double, maximum: Double, nan: Int, inf: Int
  )

  /// The first finite value of the block's selected columns (0 if there is none).
  package static func firstFinite(_ src: UnsafePointer<Float>, rows: Int, stride: Int, offset: Int, cols: Int) -> Float {
    for r in 0..<rows {
      for c in 0..<cols where src[r * stride + offset + c].isFinite { return src[r * stride + offset + c] }
    }
    return 0
  }

  /// The first pass over a block: widen the selected columns to `Double` into `dst` (NaN and
  /// Inf written as 0 and counted), add each row's sum of squares to `rowSquares[r]` (set, not
  /// added) and each column's to `columnSquares[c]`, and return the block's ``Totals`` of the
  /// finite values around `shift`.
  package static func run(
    src: UnsafePointer<Float>, rows: Int, stride: Int, offset: Int, cols: Int, shift shiftValue: Double,
    into dst: UnsafeMutablePointer<Double>, rowSquares: UnsafeMutablePointer<Double>, columnSquares: UnsafeMutablePointer<Double>
  ) -> Totals {
    let shift = V(repeating: shiftValue)
    var s1 = V(), s2 = V(), s3 = V(), s4 = V(), n = V()
    var lo = V(repeating: .infinity), hi = V(repeating: -.infinity)
    var nan = 0, inf = 0
    var t: Totals = (0, 0, 0, 0, 0, .infinity, -.infinity, 0, 0)
    let vectorCols = cols & ~7
    for r in 0..<rows {
      let s = src + r * stride + offset
      let d = dst + r * cols
      var rowAcc = V()
      var c = 0
      while c < vectorCols {
        var v = V(UnsafeRawPointer(s + c).loadUnaligned(as: SIMD8<Float>.self))
        let finite = (v - v) .== V()  // x − x is 0 exactly when x is finite
        if !all(finite) {
          for k in 0..<8 where !finite[k] {
            if v[k].isNaN { nan += 1 } else { inf += 1 }
          }
          v.replace(with: 0, where: .!finite)
        }
        let ones = V(repeating: 1).replacing(with: 0, where: .!finite)
        let x = (v - shift) * ones
        let x2 = x * x
        n += ones
        s1 += x
        s2 += x2
        s3 += x2 * x
        s4 += x2 * x2
        lo.replace(with: v, where: (v .< lo) .& finite)
        hi.replace(with: v, where: (v .> hi) .& finite)
        let sq = v * v
        rowAcc += sq
        let cs = UnsafeMutableRawPointer(columnSquares + c)
        cs.storeBytes(of: cs.loadUnaligned(as: V.self) + sq, as: V.self)
        UnsafeMutableRawPointer(d + c).storeBytes(of: v, as: V.self)
        c += 8
      }
      var rowSum = rowAcc.sum()
      while c < cols {
        var v = Double(s[c])
        if v.isFinite {
          let x = v - shiftValue
          t.n += 1
          t.s1 += x
          t.s2 += x * x
          t.s3 += x * x * x
          t.s4 += x * x * x * x
          t.minimum = Swift.min(t.minimum, v)
          t.maximum = Swift.max(t.maximum, v)
        } else {
          if v.isNaN { nan += 1 } else { inf += 1 }
          v = 0
        }
        d[c] = v
        rowSum += v * v
        columnSquares[c] += v * v
        c += 1
      }
      rowSquares[r] = rowSum
    }
    t.n += n.sum()
    t.s1 += s1.sum()
    t.s2 += s2.sum()
    t.s3 += s3.sum()
    t.s4 += s4.sum()
    t.minimum = Swift.min(t.minimum, lo.min())
    t.maximum = Swift.max(t.maximum, hi.max())
    t.nan = nan
    t.inf = inf
    return t
  }

  /// Counts `values` into `bins` equal bins (bin = ⌊(x − lower)·scale⌋, the top edge into the
  /// last bin) and returns how many have |x| < `limit`.
  ///
  /// `copies` holds `copyCount × (bins + 1)` zeroed counters: lane k of each group of eight
  /// counts into copy k, so runs of values in one bin (most weights sit in the few bins around zero)
  /// do not wait on one another's increments; counter `bins` of each copy takes the values
  /// counted nowhere (NaN, ±Inf, out of range). The caller sums the copies.
  /// Copies of the counters ``histogram(_:lower:scale:bins:limit:copies:)`` needs.
  package static let copyCount = 8

  package static func histogram(
    _ values: UnsafeBufferPointer<Float>, lower: Double, scale: Double, bins: Int, limit: Float,
    copies c: UnsafeMutablePointer<Int>
  ) -> Int {
    guard let base = values.baseAddress else { return 0 }
    let stride = bins + 1
    let lowerV = V(repeating: lower), scaleV = V(repeating: scale)
    let end = V(repeating: Double(bins) + 1), last = V(repeating: Double(bins - 1)), discard = V(repeating: Double(bins))
    let limitV = SIMD8<Float>(repeating: limit)
    let twoTo52 = V(repeating: 0x1p52), twoTo52Bits = SIMD8<UInt64>(repeating: (0x1p52 as Double).bitPattern)
    var small = SIMD8<Int32>()
    let vectorCount = values.count & ~7
    var i = 0
    while i < vectorCount {
      let f = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
      small &+= SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!((f .< limitV) .& (f .> -limitV)))
      let x = (V(f) - lowerV) * scaleV
      // NaN fails both comparisons; ±Inf land outside: both go to the discard counter.
      let inside = (x .>= 0) .& (x .< end)
      let bin = x.replacing(with: last, where: x .> last).replacing(with: discard, where: .!inside)
      // ⌊bin⌋ as an integer without a range check per lane: 0 ≤ ⌊bin⌋ ≤ bins < 2⁵², so adding
      // 2⁵² leaves it in the low bits of the double.
      let integral = unsafeBitCast(bin.rounded(.down) + twoTo52, to: SIMD8<UInt64>.self) &- twoTo52Bits
      for k in 0..<8 {
        c[k &* stride &+ Int(truncatingIfNeeded: integral[k])] &+= 1
      }
      i += 8
    }
    var count = Int(small.wrappedSum())
    while i < values.count {
      let v = base[i]
      if Swift.abs(v) < limit { count += 1 }
      let x = (Double(v) - lower) * scale
      c[x >= 0 && x < Double(bins) + 1 ? Swift.min(Int(x), bins - 1) : bins] &+= 1
      i += 1
    }
    return count
  }
}
