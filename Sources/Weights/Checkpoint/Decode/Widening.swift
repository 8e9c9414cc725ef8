/// Widening of binary16 and bfloat16 to binary32, eight values at a time. This one file is
/// compiled three times: in `Checkpoint` for any CPU, and as the `WideningAVX2` and
/// `WideningAVX512` modules (links to it) for those instruction sets; `FloatFormats.widen`
/// calls the one of ``CPU/level``.
package enum Widening {
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
  package static func widen(half: Bool, count: Int, from src: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(out)
    var i = 0
    while i + 8 <= count {
      let h = SIMD8<UInt32>(truncatingIfNeeded: src.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self))
      raw.storeBytes(of: half ? halfBits(h) : h &<< 16, toByteOffset: 4 * i, as: SIMD8<UInt32>.self)
      i += 8
    }
    while i < count {
      let h = src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
      out[i] = half ? halfBits(h) : Float(bitPattern: UInt32(h) << 16)
      i += 1
    }
  }

  /// binary16 → Float with integer and multiply steps only (``halfBits(_:)`` for one value).
  @inline(__always)
  package static func halfBits(_ bits: UInt16) -> Float {
    let h = UInt32(bits)
    let magnitude = (h & 0x7FFF) << 13
    let scaled = Float(bitPattern: magnitude) * Float(bitPattern: 0x7780_0000)  // 2^112
    let special = Float(bitPattern: magnitude | 0x7F80_0000)
    let value = magnitude >= 0x0F80_0000 ? special : scaled
    return Float(bitPattern: value.bitPattern | (h & 0x8000) << 16)
  }
}
