import Foundation

/// A byte-pair-encoding tokenizer in one of two styles:
/// - byte-level (GPT-2, SmolLM, Llama 3, Qwen): text is cut by a ``PreTokenizer``, each piece's
///   UTF-8 bytes become ``ByteLevel`` characters, and adjacent symbols are merged by rank (lowest
///   first) until no ranked pair is left; the symbols are then looked up in the vocabulary;
/// - SentencePiece (Gemma, Llama 2; GGUF `tokenizer.ggml.model = llama`): spaces become "▁",
///   the text's characters are merged pairwise, always the adjacent pair whose merged string is a
///   token with the highest score (leftmost on ties), and a symbol that is no token is spelt
///   with the byte tokens `<0xXX>` (byte fallback), as llama.cpp's SPM tokenizer does.
/// In both, special tokens written literally (control and user-defined tokens) are matched
/// first, leftmost and longest, and never split.
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
  /// SentencePiece style: each token's score (higher merges first); nil for byte-level.
  let scores: [Float]?
  /// SentencePiece style: prefix the text with "▁" (GGUF `tokenizer.ggml.add_space_prefix`).
  private let addSpacePrefix: Bool
  /// Special tokens' UTF-8 by their first byte, longest first (the literal-token scan).
  private let specialsByFirst: [UInt8: [([UInt8], Int)]]
  /// SentencePiece style: ids by the tokens' UTF-8 bytes. Swift's `String` compares by
  /// canonical equivalence ("a" + U+0301 equals "á"), which a tokenizer must not do.
  private let byteIDs: [[UInt8]: Int]

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
    ids = Self.firstIDs(tokens)
    var ranks: [Pair: Int] = [:]
    ranks.reserveCapacity(merges.count)
    for (rank, line) in merges.enumerated() {
      let parts = line.split(separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .malformedMerge(rank, line) }
      let pair = Pair(left: String(parts[0]), right: String(parts[1]))
      if ranks[pair] == nil { ranks[pair] = rank }
    }
    self.ranks = ranks
    scores = nil
    addSpacePrefix = false
    specialsByFirst = Self.index(specialTokens)
    byteIDs = [:]
  }

  /// A SentencePiece-style tokenizer: `tokens` and their `scores` by id, the literal tokens
  /// (control and user-defined) in `specialTokens`.
  public init(sentencePiece tokens: [String], scores: [Float], specialTokens: [String: Int], beginningOfText: Int?, addSpacePrefix: Bool) {
    self.tokens = tokens
    preTokenizer = .gpt2
    self.specialTokens = specialTokens
    self.beginningOfText = beginningOfText
    ids = Self.firstIDs(tokens)
    ranks = [:]
    self.scores = scores
    self.addSpacePrefix = addSpacePrefix
    specialsByFirst = Self.index(specialTokens)
    var byteIDs: [[UInt8]: Int] = [:]
    byteIDs.reserveCapacity(tokens.count)
    for (i, t) in tokens.enumerated() where byteIDs[Array(t.utf8)] == nil { byteIDs[Array(t.utf8)] = i }
    self.byteIDs = byteIDs
  }

  /// Each token string's first id (a vocabulary may repeat a string).
  static func firstIDs(_ tokens: [String]) -> [String: Int] {
    var ids: [String: Int] = [:]
    ids.reserveCapacity(tokens.count)
    for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = i }
    return ids
  }

  static func index(_ specials: [String: Int]) -> [UInt8: [([UInt8], Int)]] {
    var out: [UInt8: [([UInt8], Int)]] = [:]
    for (name, id) in specials { if let b = name.utf8.first { out[b, default: []].append((Array(name.utf8), id)) } }
    for key in out.keys { out[key]?.sort { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.1 < $1.1 } }
    return out
  }

  /// Whether this is a SentencePiece-style tokenizer.
  public var isSentencePiece: Bool { scores != nil }

  /// The id of a token string, if it is in the vocabulary.
  public func id(of token: String) -> Int? { ids[token] ?? specialTokens[token] }

  /// Token ids of `text` (special tokens written literally are recognised).
  public func encode(_ text: String) -> [Int] {
    var out: [Int] = beginningOfText.map { [$0] } ?? []
    for segment in splitSpecial(text) {
      switch segment {
      case .special(let id): out.append(id)
      case .text(let t):
        if scores != nil {
          out += encodeSentencePiece(t, first: out.count == (beginningOfText == nil ? 0 : 1))
        } else {
          for piece in preTokenizer.split(t) { out += encodePiece(piece) }
        }
      }
    }
    return out
  }

  /// The text of `ids` (invalid UTF-8 is replaced, as the reference decoders do).
  public func decode(_ ids: [Int]) -> String {
    var bytes: [UInt8] = []
    for id in ids where id >= 0 && id < tokens.count {
      let token = tokens[id]
      if specialTokens[token] != nil {
        bytes += Array(token.utf8)
      } else if scores != nil {
        if let byte = Self.byteToken(token) { bytes.append(byte) } else { bytes += Array(token.replacingOccurrences(of: "\u{2581}", with: " ").utf8) }
      } else {
        bytes += ByteLevel.decode(token)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The text of one token.
  public func text(of id: Int) -> String { decode([id]) }

  enum Segment {
    case text(String)
    case special(Int)
  }

  /// The text cut into literal special tokens (leftmost, longest first) and the text between,
  /// matched on UTF-8 bytes (code points, never grapheme clusters: "\r\n" holds the token "\n").
  private func splitSpecial(_ text: String) -> [Segment] {
    guard !specialTokens.isEmpty else { return [.text(text)] }
    let bytes = Array(text.utf8)
    var segments: [Segment] = []
    var start = 0
    var i = 0
    while i < bytes.count {
      var hit: (Int, Int)?
      for (name, id) in specialsByFirst[bytes[i]] ?? [] where i + name.count <= bytes.count && bytes[i..<(i + name.count)].elementsEqual(name) {
        hit = (i + name.count, id)
        break
      }
      if let (end, id) = hit {
        if start < i { segments.append(.text(String(decoding: bytes[start..<i], as: UTF8.self))) }
        segments.append(.special(id))
        i = end
        start = end
      } else {
        i += 1
      }
    }
    if start < bytes.count { segments.append(.text(String(decoding: bytes[start...], as: UTF8.self))) }
    return segments
  }

  /// `<0xAB>` → 0xAB.
  static func byteToken(_ token: String) -> UInt8? {
    guard token.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
    return UInt8(token.dropFirst(3).prefix(2), radix: 16)
  }

  /// SentencePiece-style merging of one stretch of text (no special tokens in it): characters
  /// as symbols in a linked list, the best-scoring mergeable adjacent pair merged until none is
  /// left (a heap of candidate pairs, stale entries skipped), then byte fallback.
  private func encodeSentencePiece(_ text: String, first: Bool) -> [Int] {
    guard let scores else { return [] }
    // Spaces become "▁" (U+2581); symbols are the code points' UTF-8 bytes.
    var bytes: [UInt8] = addSpacePrefix && first ? [0xE2, 0x96, 0x81] : []
    for b in text.utf8 { if b == 0x20 { bytes += [0xE2, 0x96, 0x81] } else { bytes.append(b) } }
    var symbols: [[UInt8]] = []
    var k = 0
    while k < bytes.count {
      let lead = bytes[k]
      let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
      symbols.append(Array(bytes[k..<min(bytes.count, k + length)]))
      k += length
    }
    guard !symbols.isEmpty else { return [] }
    var next = Array(1...symbols.count)
    var previous = Array(-1..<(symbols.count - 1))
    var alive = [Bool](repeating: true, count: symbols.count)
    next[symbols.count - 1] = -1
    // Candidates: (score, left index, the two strings' lengths when pushed).
    struct Candidate {
      var score: Float
      var left: Int
      var text: [UInt8]
    }
    var heap: [Candidate] = []
    func better(_ a: Candidate, _ b: Candidate) -> Bool { a.score != b.score ? a.score > b.score : a.left < b.left }
    func push(_ c: Candidate) {
      heap.append(c)
      var i = heap.count - 1
      while i > 0 {
        let p = (i - 1) / 2
        guard better(heap[i], heap[p]) else { break }
        heap.swapAt(i, p)
        i = p
      }
    }
    func pop() -> Candidate? {
      guard let top = heap.first else { return nil }
      let last = heap.removeLast()
      if !heap.isEmpty {
        heap[0] = last
        var i = 0
        while true {
          let l = 2 * i + 1, r = l + 1
          var m = i
          if l < heap.count && better(heap[l], heap[m]) { m = l }
          if r < heap.count && better(heap[r], heap[m]) { m = r }
          if m == i { break }
          heap.swapAt(i, m)
          i = m
        }
      }
      return top
    }
    func consider(_ left: Int) {
      guard left >= 0, next[left] >= 0 else { return }
      let merged = symbols[left] + symbols[next[left]]
      if let id = byteIDs[merged], specialTokens[tokens[id]] == nil { push(Candidate(score: scores[id], left: left, text: merged)) }
    }
    for i in 0..<(symbols.count - 1) { consider(i) }
    while let c = pop() {
      let right = next[c.left]
      // Stale: a side was merged away or changed since this pair was pushed.
      guard alive[c.left], right >= 0, alive[right], symbols[c.left] + symbols[right] == c.text else { continue }
      symbols[c.left] = c.text
      alive[right] = false
      next[c.left] = next[right]
      if next[right] >= 0 { previous[next[right]] = c.left }
      consider(previous[c.left])
      consider(c.left)
    }
    var out: [Int] = []
    var i = 0
    while i >= 0 {
      if let id = byteIDs[symbols[i]] {
        out.append(id)
      } else {
        for byte in symbols[i] { if let id = ids[String(format: "<0x%02X>", byte)] { out.append(id) } }
      }
      i = next[i]
    }
    return out
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
