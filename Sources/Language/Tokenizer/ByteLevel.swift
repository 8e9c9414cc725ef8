/// GPT-2's reversible map from bytes to printable Unicode characters: the 188 printable
/// Latin-1 bytes stand for themselves, the other 68 (control characters, space, the non-printing
/// Latin-1 range) are moved to U+0100 and up, in byte order. A byte-level BPE vocabulary is
/// written in these characters (a leading space is "Ġ", U+0120).
public enum ByteLevel {
  /// `characters[b]` stands for byte b.
  public static let characters: [Character] = {
    var printable = Set<UInt8>()
    for b in UInt8(ascii: "!")...UInt8(ascii: "~") { printable.insert(b) }
    for b in UInt8(0xA1)...UInt8(0xAC) { printable.insert(b) }
    for b in UInt8(0xAE)...UInt8(0xFF) { printable.insert(b) }
    var next: UInt32 = 256
    return (0...255).map { (b: Int) -> Character in
      if printable.contains(UInt8(b)) { return Character(Unicode.Scalar(UInt8(b))) }
      defer { next += 1 }
      return Character(Unicode.Scalar(next) ?? "?")
    }
  }()

  /// The inverse: character → byte.
  public static let bytes: [Character: UInt8] = {
    var map: [Character: UInt8] = [:]
    for (b, c) in characters.enumerated() { map[c] = UInt8(b) }
    return map
  }()

  /// The characters standing for the UTF-8 bytes of `text`.
  public static func encode(_ text: Substring) -> [Character] { text.utf8.map { characters[Int($0)] } }

  /// The bytes a token's characters stand for (characters outside the map are kept as their
  /// own UTF-8, as the reference decoders do).
  public static func decode(_ token: String) -> [UInt8] {
    var out: [UInt8] = []
    for c in token {
      if let b = bytes[c] { out.append(b) } else { out.append(contentsOf: Array(String(c).utf8)) }
    }
    return out
  }
}
