/// A byte-level byte-pair-encoding tokenizer (GPT-2, SmolLM, Llama 3, Qwen): text is cut by a
/// ``PreTokenizer``, each piece's UTF-8 bytes become ``ByteLevel`` characters, and adjacent
/// symbols are merged by rank (lowest first) until no ranked pair is left; the symbols are then
/// looked up in the vocabulary.
public struct BytePairTokenizer: Sendable {
  /// Token strings (byte-level characters) by id.
  public let tokens: [String]
  public let preTokenizer: PreTokenizer
  /// Tokens written literally in text and never split ("<|endoftext|>", "<|im_start|>").
  public let specialTokens: [String: Int]
  /// Prepended to every encoding when the model expects it.
  public let beginningOfText: Int?
  private let ids: [String: Int]
  private let ranks: [Pair: Int]

  struct Pair: Hashable, Sendable {
    var left: String
    var right: String
  }

  /// - Parameters:
  ///   - tokens: token strings by id.
  ///   - merges: "left right" pairs, highest priority first.
  public init(
    tokens: [String], merges: [String], preTokenizer: PreTokenizer, specialTokens: [String: Int] = [:], beginningOfText: Int? = nil
  ) throws(TokenizerError) {
    self.tokens = tokens
    self.preTokenizer = preTokenizer
    self.specialTokens = specialTokens
    self.beginningOfText = beginningOfText
    var ids: [String: Int] = [:]
    ids.reserveCapacity(tokens.count)
    for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = i }
    self.ids = ids
    var ranks: [Pair: Int] = [:]
    ranks.reserveCapacity(merges.count)
    for (rank, line) in merges.enumerated() {
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .malformedMerge(rank, line) }
      let pair = Pair(left: String(parts[0]), right: String(parts[1]))
      if ranks[pair] == nil { ranks[pair] = rank }
    }
    self.ranks = ranks
  }

  /// The id of a token string, if it is in the vocabulary.
  public func id(of token: String) -> Int? { ids[token] ?? specialTokens[token] }

  /// Token ids of `text` (special tokens written literally are recognised).
  public func encode(_ text: String) -> [Int] {
    var out: [Int] = beginningOfText.map { [$0] } ?? []
    for segment in splitSpecial(text) {
      switch segment {
      case .special(let id): out.append(id)
      case .text(let t):
        for piece in preTokenizer.split(t) { out += encodePiece(piece) }
      }
    }
    return out
  }

  /// The text of `ids` (invalid UTF-8 is replaced, as the reference decoders do).
  public func decode(_ ids: [Int]) -> String {
    var bytes: [UInt8] = []
    for id in ids where id >= 0 && id < tokens.count {
      if specialTokens[tokens[id]] != nil { bytes += Array(tokens[id].utf8) } else { bytes += ByteLevel.decode(tokens[id]) }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The text of one token.
  public func text(of id: Int) -> String { decode([id]) }

  enum Segment {
    case text(String)
    case special(Int)
  }

  private func splitSpecial(_ text: String) -> [Segment] {
    guard !specialTokens.isEmpty else { return [.text(text)] }
    var segments: [Segment] = []
    var rest = text[...]
    let names = specialTokens.keys.sorted { $0.count > $1.count }
    while !rest.isEmpty {
      var earliest: (range: Range<Substring.Index>, id: Int)?
      for name in names {
        guard let r = rest.firstRange(of: name), let id = specialTokens[name] else { continue }
        if let e = earliest, e.range.lowerBound <= r.lowerBound { continue }
        earliest = (r, id)
      }
      guard let hit = earliest else {
        segments.append(.text(String(rest)))
        break
      }
      if hit.range.lowerBound > rest.startIndex { segments.append(.text(String(rest[..<hit.range.lowerBound]))) }
      segments.append(.special(hit.id))
      rest = rest[hit.range.upperBound...]
    }
    return segments
  }

  /// Merges one pre-token.
  private func encodePiece(_ piece: Substring) -> [Int] {
    var symbols = ByteLevel.encode(piece).map { String($0) }
    while symbols.count > 1 {
      var bestRank = Int.max
      var bestIndex = -1
      for i in 0..<(symbols.count - 1) {
        if let r = ranks[Pair(left: symbols[i], right: symbols[i + 1])], r < bestRank {
          bestRank = r
          bestIndex = i
        }
      }
      guard bestIndex >= 0 else { break }
      let left = symbols[bestIndex]
      let right = symbols[bestIndex + 1]
      // Merge every occurrence of the best pair, left to right.
      var merged: [String] = []
      merged.reserveCapacity(symbols.count)
      var i = 0
      while i < symbols.count {
        if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
          merged.append(left + right)
          i += 2
        } else {
          merged.append(symbols[i])
          i += 1
        }
      }
      symbols = merged
    }
    // A symbol missing from the vocabulary (inconsistent files) falls back to its bytes.
    return symbols.flatMap { s -> [Int] in
      if let id = ids[s] { return [id] }
      return ByteLevel.decode(s).compactMap { ids[String(ByteLevel.characters[Int($0)])] }
    }
  }
}
