public import Foundation
public import MusicTokens
import ScoreReaders
import Synchronization

/// Which part of a corpus a piece belongs to.
public enum CorpusSplit: String, Sendable, Hashable, Codable {
  case train, validation

  /// About one piece in ten is held out for validation, chosen by a hash of the piece's id (so
  /// adding a file to a corpus moves no other piece between the parts).
  public static func of(_ id: String) -> CorpusSplit {
    var z = id.stableHash
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return z % 10 == 0 ? .validation : .train
  }
}

/// A genre's pieces as token ids.
public struct TokenizedCorpus: Sendable {
  public struct Entry: Sendable, Hashable {
    public var id: String
    public var split: CorpusSplit
    public var ids: [Int]
    /// Notes in the token stream (pitched, on the grid).
    public var notes: Int
  }

  public var genre: MusicGenre
  public var vocabulary: EventVocabulary
  public var entries: [Entry]

  /// Tokenizes every piece (with the genre's token after BOS when the vocabulary has genres).
  public init(_ corpus: GenreCorpus, tokenizer: ScoreTokenizer) {
    genre = corpus.genre
    vocabulary = tokenizer.vocabulary
    let genreToken = tokenizer.vocabulary.genres.firstIndex(of: corpus.genre.rawValue)
    let done = Mutex<[Int: Entry]>([:])
    DispatchQueue.concurrentPerform(iterations: corpus.pieces.count) { i in
      let piece = corpus.pieces[i]
      let notes = tokenizer.normalise(piece.score)
      let entry = Entry(id: piece.id, split: .of(piece.id), ids: tokenizer.encode(notes, genre: genreToken), notes: notes.count)
      done.withLock { $0[i] = entry }
    }
    let all = done.withLock { $0 }
    // A piece without a single pitched note (a drum solo) has nothing to learn from.
    self.entries = corpus.pieces.indices.compactMap { all[$0] }.filter { $0.notes > 0 }
    if !self.entries.isEmpty && !self.entries.contains(where: { $0.split == .validation }) {
      // A tiny corpus still gets one validation piece: the last one.
      self.entries[self.entries.count - 1].split = .validation
    }
  }

  public var tokenCount: Int { entries.reduce(0) { $0 + $1.ids.count } }
  public var noteCount: Int { entries.reduce(0) { $0 + $1.notes } }

  /// The conditional entropy of the next token given the one before, H(Xₜ | Xₜ₋₁), in nats
  /// per token, counted over every adjacent pair within the pieces. This is the loss a bigram
  /// table fitted to the whole corpus would reach on it (in-sample, so optimistic): a model
  /// must go below it to have learned more than pairs.
  public var bigramEntropy: Double { Self.bigramEntropy(entries.map(\.ids), vocabularySize: vocabulary.size) }

  /// H(Xₜ | Xₜ₋₁) in nats over the adjacent pairs within each sequence (ids in
  /// `0..<vocabularySize`).
  public static func bigramEntropy(_ sequences: [[Int]], vocabularySize v: Int) -> Double {
    var pairs = [Int](repeating: 0, count: v * v)
    var total = 0
    for ids in sequences where ids.count > 1 {
      for t in 1..<ids.count { pairs[ids[t - 1] * v + ids[t]] += 1 }
      total += ids.count - 1
    }
    guard total > 0 else { return 0 }
    var h = 0.0
    for a in 0..<v {
      let row = pairs[(a * v)..<(a * v + v)]
      let context = row.reduce(0, +)
      guard context > 0 else { continue }
      for c in row where c > 0 { h -= Double(c) * log(Double(c) / Double(context)) }
    }
    return h / Double(total)
  }

  /// The one-line facts `corpus list` shows.
  public var summary: CorpusSummary {
    CorpusSummary(
      name: genre.rawValue, pieces: entries.count, notes: noteCount, tokens: tokenCount, bigramEntropy: bigramEntropy, license: genre.license)
  }
}

/// A genre's size and difficulty: what `eigentone corpus list --json` prints per genre.
public struct CorpusSummary: Sendable, Hashable, Codable {
  public var name: String
  public var pieces: Int
  public var notes: Int
  public var tokens: Int
  /// Nats per token (see ``TokenizedCorpus/bigramEntropy``).
  public var bigramEntropy: Double
  public var license: String

  enum CodingKeys: String, CodingKey {
    case name, pieces, notes, tokens, license
    case bigramEntropy = "bigram_entropy"
  }
}
