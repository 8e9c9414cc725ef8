/// The first pass over a block of a matrix, vectorised eight values at a time: widen to
/// `Double`, count NaN and Inf (written as 0), accumulate row and column sums of squares and
/// the shifted power sums of the finite values.
enum FusedPass {
  typealias V = SIMD8<Double>

  /// The first finite value of the block's selected columns (0 if there is none).
  static func firstFinite(_ src: UnsafePointer<Float>, rows: Int, stride: Int, offset: Int, cols: Int) -> Float {
    for r in 0..<rows {
      for c in 0..<cols where src[r * stride + offset + c].isFinite { return src[r * stride + offset + c] }
    }
    return 0
  }

  static func run(
    src: UnsafePointer<Float>, rows: Int, stride: Int, offset: Int, cols: Int, into dst: UnsafeMutablePointer<Double>,
    rowSquares: UnsafeMutablePointer<Double>, columnSquares: UnsafeMutablePointer<Double>, sums: inout PowerSums
  ) -> (nan: Int, inf: Int) {
    let shift = V(repeating: sums.shift)
    var s1 = V(), s2 = V(), s3 = V(), s4 = V(), n = V()
    var lo = V(repeating: .infinity), hi = V(repeating: -.infinity)
    var nan = 0, inf = 0
    let vectorCols = cols & ~7
    for r in 0..<rows {
      let s = src + r * stride + offset
      let d = dst + r * cols
      var rowAcc = V()
      var c = 0
      while c < vectorCols {
        var v = V(
          Double(s[c]), Double(s[c + 1]), Double(s[c + 2]), Double(s[c + 3]),
          Double(s[c + 4]), Double(s[c + 5]), Double(s[c + 6]), Double(s[c + 7]))
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
        let below = (v .< lo) .& finite
        let above = (v .> hi) .& finite
        lo.replace(with: v, where: below)
        hi.replace(with: v, where: above)
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
          sums.add(v)
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
    sums.n += n.sum()
    sums.s1 += s1.sum()
    sums.s2 += s2.sum()
    sums.s3 += s3.sum()
    sums.s4 += s4.sum()
    sums.minimum = Swift.min(sums.minimum, lo.min())
    sums.maximum = Swift.max(sums.maximum, hi.max())
    return (nan, inf)
  }
}
