/// A palette PNG (colour type 3, 8 bits per pixel) written without compression (stored
/// deflate blocks), for the report's raster heatmaps: small enough inline, and no zlib needed.
public struct IndexedPNG: Sendable {
  public var width: Int
  public var height: Int
  /// Up to 256 RGB colours.
  public var palette: [(UInt8, UInt8, UInt8)]
  /// `height × width` palette indices, row-major.
  public var pixels: [UInt8]

  public init(width: Int, height: Int, palette: [(UInt8, UInt8, UInt8)], pixels: [UInt8]) {
    self.width = width
    self.height = height
    self.palette = palette
    self.pixels = pixels
  }

  /// The file's bytes.
  public var bytes: [UInt8] {
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    func chunk(_ type: String, _ data: [UInt8]) {
      let body = Array(type.utf8) + data
      out += be32(data.count) + body + be32(Int(Self.crc32(body)))
    }
    chunk("IHDR", be32(width) + be32(height) + [8, 3, 0, 0, 0])
    chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] })
    // Scanlines, each led by filter type 0, in a zlib stream of stored blocks.
    var raw = [UInt8]()
    raw.reserveCapacity(height * (width + 1))
    for r in 0..<height {
      raw.append(0)
      raw += pixels[(r * width)..<((r + 1) * width)]
    }
    var z: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let n = min(65_535, raw.count - start)
      let last: UInt8 = start + n == raw.count ? 1 : 0
      z += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      z += raw[start..<(start + n)]
      start += n
    } while start < raw.count
    z += be32(Int(Self.adler32(raw)))
    chunk("IDAT", z)
    chunk("IEND", [])
    return out
  }

  static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  /// CRC-32 (ISO 3309, as PNG and zlib use it).
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }

  /// Adler-32 (RFC 1950).
  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1, b: UInt32 = 0
    for x in bytes {
      a = (a + UInt32(x)) % 65_521
      b = (b + a) % 65_521
    }
    return b << 16 | a
  }
}
