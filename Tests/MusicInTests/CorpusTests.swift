import Corpora
import Foundation
import MusicTokens
import Score
import ScoreReaders
import Testing
import _TestSupport

@Suite("Genre corpora")
struct CorpusTests {
  static let location = CorpusLocation(root: Repository.root + "/corpora")
  static let installed = FileManager.default.fileExists(atPath: Repository.music21Corpus + "/bach")

  /// Score → tokens → score gives the same notes for every piece (after the grid), for the
  /// Bach chorales, the Palestrina masses and every generated genre.
  @Test(.enabled(if: installed), arguments: [MusicGenre.bach, .palestrina, .atonal, .metal, .rock, .pop, .rap])
  func roundTrip(_ genre: MusicGenre) throws {
    let corpus = try GenreCorpus.load(genre, from: Self.location)
    #expect(corpus.pieces.count > 40)
    let tokenizer = ScoreTokenizer()
    var failures: [String] = []
    for piece in corpus.pieces {
      let notes = tokenizer.normalise(piece.score)
      if tokenizer.decode(tokenizer.encode(notes)) != notes { failures.append(piece.id) }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }

  /// The generated genres: real multi-part scores, the same on every run.
  @Test(arguments: [MusicGenre.atonal, .metal, .rock, .pop, .rap])
  func generatedPiecesAreDeterministicMultiPartScores(_ genre: MusicGenre) throws {
    let a = try GenreCorpus.load(genre, from: Self.location)
    let b = try GenreCorpus.load(genre, from: Self.location)
    #expect(a.pieces == b.pieces)
    #expect(a.pieces.count == MusicGenre.generatedPieces)
    #expect(Set(a.pieces.map(\.id)).count == a.pieces.count)
    for piece in a.pieces.prefix(20) {
      let pitched = piece.score.tracks.filter { !$0.isDrum && !$0.notes.isEmpty }
      #expect(pitched.count >= 2, "\(piece.id)")
      #expect(piece.score.tracks.contains(where: \.isDrum) == (genre != .atonal), "\(piece.id)")
      try piece.score.validate()
    }
  }

  /// Atonal pieces walk twelve-tone rows: every stretch of a voice's first twelve notes holds
  /// all twelve pitch classes (no rests are drawn inside a row's first note).
  @Test func atonalRowsUseAllTwelvePitchClasses() throws {
    let corpus = try GenreCorpus.load(.atonal, from: Self.location)
    var complete = 0
    for piece in corpus.pieces {
      let voice = piece.score.tracks[0].notes.sorted { $0.onset < $1.onset }
      if Set(voice.prefix(12).map { $0.pitch % 12 }).count == 12 { complete += 1 }
    }
    // A row loses a note to a rest 12% of the time, so most but not all first rows are whole.
    #expect(complete > corpus.pieces.count / 5)
  }

  /// Known answers for the bigram baseline: a deterministic alternation has none; two equally
  /// likely successors give ln 2.
  @Test func bigramEntropy() {
    #expect(TokenizedCorpus.bigramEntropy([[0, 1, 0, 1, 0, 1]], vocabularySize: 3) == 0)
    #expect(abs(TokenizedCorpus.bigramEntropy([[0, 1], [0, 2]], vocabularySize: 3) - log(2)) < 1e-12)
  }

  /// The split: by a hash of the id, about one in ten, stable.
  @Test func split() {
    let ids = (0..<5000).map { "essen/file\($0).abc#\($0 % 7)" }
    let validation = ids.filter { CorpusSplit.of($0) == .validation }.count
    #expect((400...600).contains(validation))
    #expect(CorpusSplit.of("bach/bwv1.6.mxl") == CorpusSplit.of("bach/bwv1.6.mxl"))
  }
}
