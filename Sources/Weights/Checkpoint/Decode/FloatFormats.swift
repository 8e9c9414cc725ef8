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
  static func halfBits(_ bits: UInt16) -> Float {
    let h = UInt32(bits)
    let magnitude = (h & 0x7FFF) << 13
    let scaled = Float(bitPattern: magnitude) * Float(bitPattern: 0x7780_0000)  // 2^112
    let special = Float(bitPattern: magnitude | 0x7F80_0000)
    let value = magnitude >= 0x0F80_0000 ? special : scaled
    return Float(bitPattern: value.bitPattern | (h & 0x8000) << 16)
  }

  /// ``halfBits(_:)`` on eight values at once: binary16 patterns (zero-extended) in, binary32
  /// patterns out.
  @inline(__always)
  static func halfBits(_ h: SIMD8<UInt32>) -> SIMD8<UInt32> {
    let magnitude = (h & 0x7FFF) &<< 13
    let scaled = unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<Float>.self) * 0x1p112, to: SIMD8<UInt32>.self)
    // All ones where the exponent is all ones (magnitude ≥ 0x0F80_0000), as arithmetic: an
    // unsigned vector compare has no SSE2 instruction and turns into a scalar loop.
    let special = 0 &- ((magnitude &+ 0x0080_0000) &>> 28)
    return (special & (magnitude | 0x7F80_0000)) | (~special & scaled) | (h & 0x8000) &<< 16
  }

  /// Widens `count` little-endian binary16 (`half`) or bfloat16 values at `src` (any alignment)
  /// to binary32, eight at a time in vector registers.
  static func widen(half: Bool, count: Int, from src: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(out)
    var i = 0
    while i + 8 <= count {
      let h = SIMD8<UInt32>(truncatingIfNeeded: src.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self))
      raw.storeBytes(of: half ? halfBits(h) : h &<< 16, toByteOffset: 4 * i, as: SIMD8<UInt32>.self)
      i += 8
    }
    while i < count {
      let h = src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
      out[i] = half ? halfBits(h) : bfloat(h)
      i += 1
    }
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
