/// Conversions from the narrow float formats to `Float`.
enum FloatFormats {
  /// IEEE binary16 → Float.
  @inline(__always)
  static func half(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

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
