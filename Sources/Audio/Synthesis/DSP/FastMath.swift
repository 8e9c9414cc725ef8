/// Branch-free approximations used in the inner loops, where the C library's `sin` and `tanh`
/// would cost more than the rest of a voice together.
public enum FastMath {
  /// sin(2π·x) for x in cycles, |x| < 2³¹. Folded to a quarter wave and evaluated by the
  /// Taylor series to θ¹¹: absolute error below 1e-6, well under the 24-bit quantisation step
  /// that the output sees. No library call and no data-dependent branch, so loops over it
  /// vectorise.
  @inline(__always)
  public static func sine(cycles x: Float) -> Float {
    var y = x - Float(Int32(x))  // (−1, 1)
    y = y > 0.5 ? y - 1 : (y < -0.5 ? y + 1 : y)  // [−0.5, 0.5]
    let a = abs(y)
    // Mirror the outer quarters: sin(2π(±0.5 − y)) = sin(2πy).
    y = a > 0.25 ? (y < 0 ? -0.5 - y : 0.5 - y) : y
    let t = y * (2 * Float.pi)
    let t2 = t * t
    // Horner form of t − t³/3! + t⁵/5! − t⁷/7! + t⁹/9! − t¹¹/11!
    let p = 1 + t2 * (-1.0 / 6 + t2 * (1.0 / 120 + t2 * (-1.0 / 5040 + t2 * (1.0 / 362_880 + t2 * (-1.0 / 39_916_800)))))
    return t * p
  }

  /// Eight values of sin(2π·x) at once, for |x| < 2²²: the same polynomial as the scalar
  /// version, with the wrap to [−0.5, 0.5] done by the round-to-nearest of adding and
  /// subtracting 1.5·2²³ (no conversion, no branch).
  @inline(__always)
  public static func sine(cycles x: SIMD8<Float>) -> SIMD8<Float> {
    let magic = SIMD8<Float>(repeating: 12_582_912)
    var y = x - ((x + magic) - magic)
    y.replace(with: 0.5 - y, where: y .> 0.25)
    y.replace(with: -0.5 - y, where: y .< -0.25)
    let t = y * (2 * Float.pi)
    let t2 = t * t
    var p = SIMD8<Float>(repeating: -1.0 / 39_916_800)
    p = p * t2 + 1.0 / 362_880
    p = p * t2 - 1.0 / 5040
    p = p * t2 + 1.0 / 120
    p = p * t2 - 1.0 / 6
    p = p * t2 + 1
    return t * p
  }

  /// x − ⌊x⌋ for eight values, |x| < 2²², by the same rounding trick.
  @inline(__always)
  public static func fraction(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let nearest = (x + magic) - magic
    var f = x - nearest
    f.replace(with: f + 1, where: f .< 0)
    return f
  }

  /// 0, 1, …, 7: the lane offsets of a block of eight samples.
  public static let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)

  /// A smooth saturator close to tanh: a (3,2) Padé form clamped to ±1 beyond |x| = 3, where
  /// it meets ±1 with zero slope. Error against tanh below 0.025; used only for colour (drive,
  /// the 303's square shaper), never for measurement.
  @inline(__always)
  public static func softClip(_ x: Float) -> Float {
    let c = min(3, max(-3, x))
    let c2 = c * c
    return c * (27 + c2) / (27 + 9 * c2)
  }

  /// 2^x for the control rate (cutoff in octaves, pitch in semitones/12).
  @inline(__always)
  public static func exp2(_ x: Float) -> Float { Float(_exp2(Double(x))) }
}

#if canImport(Glibc)
  import Glibc
  @inline(__always) func _exp2(_ x: Double) -> Double { Glibc.exp2(x) }
#elseif canImport(Darwin)
  import Darwin
  @inline(__always) func _exp2(_ x: Double) -> Double { Darwin.exp2(x) }
#endif
