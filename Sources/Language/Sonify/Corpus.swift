import AtomicFile

/// The reference sentences an activation map is fitted on.
public enum Corpus {
  /// Where Debian's `wordnet-base` keeps its data files.
  public static let wordNetDirectory = "/usr/share/wordnet"

  /// Up to `count` English example sentences from WordNet's glosses (the quoted usage examples
  /// of 6 to 30 words that start with a capital), distinct, picked deterministically: ordered
  /// by the FNV-1a hash of their text. About 6,500 qualify in WordNet 3.0.
  public static func wordNet(count: Int = 1000, directory: String = wordNetDirectory) throws(SonifyError) -> [String] {
    var seen = Set<String>()
    var sentences: [String] = []
    for part in ["noun", "verb", "adj", "adv"] {
      let path = directory + "/data." + part
      guard let bytes = AtomicFile.read(path) else { throw .corpusMissing(path) }
      // Latin-1: every byte is its own code point.
      for line in bytes.split(separator: UInt8(ascii: "\n")) {
        guard !(line.starts(with: [32, 32])), let bar = line.firstIndex(of: UInt8(ascii: "|")),
          line[bar...].contains(UInt8(ascii: "\""))
        else { continue }
        let gloss = String(String.UnicodeScalarView(line[(bar + 1)...].compactMap { Unicode.Scalar(UInt32($0)) }))
        let pieces = gloss.split(separator: "\"", omittingEmptySubsequences: false)
        // Quoted text sits at the odd indices.
        for (i, piece) in pieces.enumerated() where i % 2 == 1 && i < pieces.count - 1 {
          let q = piece.trimmingWhitespace()
          let words = q.split(separator: " ").count
          guard (6...30).contains(words), let first = q.unicodeScalars.first, first.properties.isUppercase, !seen.contains(q) else { continue }
          seen.insert(q)
          sentences.append(q)
        }
      }
    }
    return Array(sentences.sorted { (hash($0), $0) < (hash($1), $1) }.prefix(count))
  }

  /// Non-empty lines of a text file.
  public static func lines(of path: String) throws(SonifyError) -> [String] {
    guard let bytes = AtomicFile.read(path) else { throw .corpusMissing(path) }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
  }

  /// FNV-1a, 64-bit, of the UTF-8 text.
  public static func hash(_ text: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in text.utf8 {
      h ^= UInt64(b)
      h &*= 0x0000_0100_0000_01B3
    }
    return h
  }
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(String.UnicodeScalarView(scalars[start...end]))
  }
}
