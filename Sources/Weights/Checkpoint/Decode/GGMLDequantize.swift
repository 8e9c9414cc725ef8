/// Dequantisation of GGML block formats to `Float`, following the block layouts of ggml
/// (`ggml-common.h`) and its reference `dequantize_row_*` routines. All multi-byte fields are
/// little-endian; `d` and `m`/`dmin` are binary16 unless noted.
///
/// Checked against the independent `gguf` Python package on real and random blocks (see
/// `Tests/CheckpointTests/Fixtures`).
enum GGMLDequantize {
  /// Super-block size of the K-quants.
  static let qkK = 256

  /// Decodes `blocks` consecutive blocks of `dtype` from `src` into `dst`.
  /// `src` must hold `blocks × dtype.block.bytes` bytes and `dst` room for
  /// `blocks × dtype.block.elements` values; callers check both.
  static func decode(
    _ dtype: DType, blocks: Int, from src: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<Float>
  ) {
    let (elements, size) = dtype.block
    for b in 0..<blocks {
      let block = UnsafeRawBufferPointer(rebasing: src[(b * size)..<((b + 1) * size)])
      let y = dst + b * elements
      switch dtype {
      case .q4_0: q4_0(block, y)
      case .q4_1: q4_1(block, y)
      case .q5_0: q5_0(block, y)
      case .q5_1: q5_1(block, y)
      case .q8_0: q8_0(block, y)
      case .q2K: q2K(block, y)
      case .q3K: q3K(block, y)
      case .q4K: q4K(block, y)
      case .q5K: q5K(block, y)
      case .q6K: q6K(block, y)
      case .q8K: q8K(block, y)
      default: break
      }
    }
  }

  @inline(__always)
  private static func f16(_ p: UnsafeRawBufferPointer, _ offset: Int) -> Float {
    FloatFormats.half(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
  }

  /// Q4_0: `d`, 16 bytes of nibbles; low nibbles are elements 0–15, high 16–31; x = (q − 8)·d.
  private static func q4_0(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    for j in 0..<16 {
      let q = p[2 + j]
      y[j] = Float(Int(q & 0x0F) - 8) * d
      y[j + 16] = Float(Int(q >> 4) - 8) * d
    }
  }

  /// Q4_1: `d`, `m`, 16 bytes of nibbles; x = q·d + m.
  private static func q4_1(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    let m = f16(p, 2)
    for j in 0..<16 {
      let q = p[4 + j]
      y[j] = Float(q & 0x0F) * d + m
      y[j + 16] = Float(q >> 4) * d + m
    }
  }

  /// Q5_0: `d`, 32 high bits `qh`, 16 bytes of nibbles; x = (q − 16)·d with q 5 bits.
  private static func q5_0(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
    for j in 0..<16 {
      let q = p[6 + j]
      let h0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
      let h1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
      y[j] = Float(Int((q & 0x0F) | h0) - 16) * d
      y[j + 16] = Float(Int((q >> 4) | h1) - 16) * d
    }
  }

  /// Q5_1: `d`, `m`, `qh`, 16 bytes of nibbles; x = q·d + m with q 5 bits.
  private static func q5_1(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    let m = f16(p, 2)
    let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    for j in 0..<16 {
      let q = p[8 + j]
      let h0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
      let h1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
      y[j] = Float((q & 0x0F) | h0) * d + m
      y[j + 16] = Float((q >> 4) | h1) * d + m
    }
  }

  /// Q8_0: `d`, 32 signed bytes; x = q·d.
  private static func q8_0(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    for j in 0..<32 { y[j] = Float(Int8(bitPattern: p[2 + j])) * d }
  }

  /// Q2_K: 16 scale bytes (low nibble scale, high nibble min), 64 bytes of 2-bit values,
  /// `d`, `dmin`.
  private static func q2K(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 80)
    let dmin = f16(p, 82)
    var out = 0
    var scaleIndex = 0
    for half in 0..<2 {
      let q = 16 + half * 32
      var shift: UInt8 = 0
      for _ in 0..<4 {
        for part in 0..<2 {
          let sc = p[scaleIndex]
          scaleIndex += 1
          let dl = d * Float(sc & 0x0F)
          let ml = dmin * Float(sc >> 4)
          for l in 0..<16 {
            y[out] = dl * Float((p[q + part * 16 + l] >> shift) & 3) - ml
            out += 1
          }
        }
        shift += 2
      }
    }
  }

  /// Unpacks the twelve packed 6-bit scale bytes of Q3_K into sixteen signed scales.
  private static func q3KScales(_ p: UnsafeRawBufferPointer) -> [Int8] {
    let base = 96
    var aux = (0..<3).map { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: base + 4 * $0, as: UInt32.self)) }
    let kmask1: UInt32 = 0x0303_0303
    let kmask2: UInt32 = 0x0f0f_0f0f
    let tmp = aux[2]
    aux.append(((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4))
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4)
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4)
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4)
    var scales: [Int8] = []
    for word in aux {
      for k in 0..<4 { scales.append(Int8(bitPattern: UInt8(truncatingIfNeeded: word >> UInt32(8 * k)))) }
    }
    return scales
  }

  /// Q3_K: 32 bytes high-bit mask, 64 bytes of 2-bit values, 12 bytes of packed 6-bit scales,
  /// `d`. x = d·(scale − 32)·(q − 4·(1 − h)).
  private static func q3K(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 108)
    let scales = q3KScales(p)
    var out = 0
    var scaleIndex = 0
    var mask: UInt8 = 1
    for half in 0..<2 {
      let q = 32 + half * 32
      var shift: UInt8 = 0
      for _ in 0..<4 {
        for part in 0..<2 {
          let dl = d * Float(Int(scales[scaleIndex]) - 32)
          scaleIndex += 1
          for l in 0..<16 {
            let value = Int((p[q + part * 16 + l] >> shift) & 3)
            let high = p[part * 16 + l] & mask != 0 ? 0 : 4
            y[out] = dl * Float(value - high)
            out += 1
          }
        }
        shift += 2
        mask <<= 1
      }
    }
  }

  /// The 6-bit scale and min of sub-block `j` from the twelve packed bytes at `base`
  /// (Q4_K and Q5_K).
  @inline(__always)
  private static func scaleMin(_ j: Int, _ p: UnsafeRawBufferPointer, _ base: Int) -> (Float, Float) {
    let q = { (i: Int) in p[base + i] }
    if j < 4 { return (Float(q(j) & 63), Float(q(j + 4) & 63)) }
    let sc = (q(j + 4) & 0x0F) | ((q(j - 4) >> 6) << 4)
    let m = (q(j + 4) >> 4) | ((q(j) >> 6) << 4)
    return (Float(sc), Float(m))
  }

  /// Q4_K: `d`, `dmin`, 12 bytes of packed scales/mins, 128 bytes of nibbles in 4 chunks of 64
  /// values (low nibbles first). x = d·sc·q − dmin·m.
  private static func q4K(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    let dmin = f16(p, 2)
    var out = 0
    for chunk in 0..<4 {
      let (sc1, m1) = scaleMin(2 * chunk, p, 4)
      let (sc2, m2) = scaleMin(2 * chunk + 1, p, 4)
      let q = 16 + chunk * 32
      for l in 0..<32 { y[out + l] = d * sc1 * Float(p[q + l] & 0x0F) - dmin * m1 }
      for l in 0..<32 { y[out + 32 + l] = d * sc2 * Float(p[q + l] >> 4) - dmin * m2 }
      out += 64
    }
  }

  /// Q5_K: as Q4_K plus 32 bytes of fifth bits `qh`.
  private static func q5K(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 0)
    let dmin = f16(p, 2)
    var out = 0
    var u1: UInt8 = 1
    var u2: UInt8 = 2
    for chunk in 0..<4 {
      let (sc1, m1) = scaleMin(2 * chunk, p, 4)
      let (sc2, m2) = scaleMin(2 * chunk + 1, p, 4)
      let ql = 48 + chunk * 32
      for l in 0..<32 {
        let h: UInt8 = p[16 + l] & u1 != 0 ? 16 : 0
        y[out + l] = d * sc1 * Float((p[ql + l] & 0x0F) + h) - dmin * m1
      }
      for l in 0..<32 {
        let h: UInt8 = p[16 + l] & u2 != 0 ? 16 : 0
        y[out + 32 + l] = d * sc2 * Float((p[ql + l] >> 4) + h) - dmin * m2
      }
      out += 64
      u1 <<= 2
      u2 <<= 2
    }
  }

  /// Q6_K: 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 signed scales, `d`.
  /// x = d·scale·(q − 32) with q 6 bits.
  private static func q6K(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = f16(p, 208)
    for half in 0..<2 {
      let ql = half * 64
      let qh = 128 + half * 32
      let sc = 192 + half * 8
      let o = half * 128
      for l in 0..<32 {
        let s = l / 16
        let h = p[qh + l]
        let q1 = Int((p[ql + l] & 0x0F) | ((h & 3) << 4)) - 32
        let q2 = Int((p[ql + l + 32] & 0x0F) | (((h >> 2) & 3) << 4)) - 32
        let q3 = Int((p[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32
        let q4 = Int((p[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32
        let scale = { (k: Int) in Float(Int8(bitPattern: p[sc + s + k])) }
        y[o + l] = d * scale(0) * Float(q1)
        y[o + l + 32] = d * scale(2) * Float(q2)
        y[o + l + 64] = d * scale(4) * Float(q3)
        y[o + l + 96] = d * scale(6) * Float(q4)
      }
    }
  }

  /// Q8_K: `d` as binary32, 256 signed bytes, 16 block sums (unused for decoding).
  private static func q8K(_ p: UnsafeRawBufferPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
    for j in 0..<256 { y[j] = Float(Int8(bitPattern: p[4 + j])) * d }
  }
}
