#if canImport(WideningAVX2)
  // The package build; scripts/fuzz compiles this module alone, with CPU.swift beside it.
  import CPUFeatures
  import WideningAVX2
  import WideningAVX512
#endif

/// Conversions from the narrow float formats to `Float`.
enum FloatFormats {
  /// IEEE binary16 → Float.
  @inline(__always)
  static func half(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

  /// IEEE binary16 → Float with integer and multiply steps only, so a loop of it vectorises
  /// (`Float(Float16)` is a library call on x86-64 without F16C). Exact for every bit pattern:
  /// exponent and mantissa move into binary32's places and a multiply by 2¹¹² re-biases the
  /// exponent (15 → 127), which also normalises subnormals; infinities and NaNs (exponent all
  /// ones) keep their payload with binary32's exponent set instead.
  @inline(__always)
  static func halfBits(_ bits: UInt16) -> Float { Widening.halfBits(bits) }

  /// Widens `count` little-endian binary16 (`half`) or bfloat16 values at `src` (any alignment)
  /// to binary32, eight at a time in vector registers, at ``CPU/level`` (the same source
  /// compiled for each level: identical results).
  static func widen(half: Bool, count: Int, from src: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
    #if canImport(WideningAVX2)
      switch CPU.level {
      case .avx512: WideningAVX512.Widening.widen(half: half, count: count, from: src, into: out)
      case .avx2: WideningAVX2.Widening.widen(half: half, count: count, from: src, into: out)
      case .scalar: Widening.widen(half: half, count: count, from: src, into: out)
      }
    #else
      Widening.widen(half: half, count: count, from: src, into: out)
    #endif
  }

  /// bfloat16 → Float: the top 16 bits of a binary32.
  @inline(__always)
  static func bfloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

  /// OCP FP8 E4M3 ("FN"): 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities,
  /// `S.1111.111` is NaN; subnormals when the exponent is 0.
  static let e4m3Table: [Float] = (0..<256).map { code in
    let sign: Float = code & 0x80 != 0 ? -1 : 1
    let exponent = (code >> 3) & 0xF
    let mantissa = Float(code & 0x7)
    if exponent == 0xF && code & 0x7 == 0x7 { return .nan }
    if exponent == 0 { return sign * mantissa / 8 * Float(sign: .plus, exponent: -6, significand: 1) }
    return sign * (1 + mantissa / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
  }

  /// OCP FP8 E5M2: IEEE-like (bias 15, infinities and NaNs): the top byte of a binary16.
  static let e5m2Table: [Float] = (0..<256).map { code in half(UInt16(code) << 8) }
}

/// The portable compilation of ``Widening`` (the name `Checkpoint.Widening` is taken by the
/// type `Checkpoint` in qualified references), for tests that compare the levels.
package typealias PortableWidening = Widening
