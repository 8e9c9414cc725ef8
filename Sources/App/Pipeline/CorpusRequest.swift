public import Corpora
import Foundation
import ScoreReaders
public import MusicTokens

/// `eigentone corpus list` and `corpus build`: the twelve genre corpora, read (or generated),
/// tokenized, measured and written for training.
public struct CorpusRequest: Sendable, Hashable {
  public var genres: [MusicGenre]
  public var location: CorpusLocation
  public var stepsPerQuarter: Int
  /// One GENRE token per genre in the vocabulary, after BOS in every piece (for one model
  /// trained on every genre).
  public var genreTokens: Bool

  public init(genres: [MusicGenre], location: CorpusLocation, stepsPerQuarter: Int = EventVocabulary.defaultStepsPerQuarter, genreTokens: Bool = false) {
    self.genres = genres
    self.location = location
    self.stepsPerQuarter = stepsPerQuarter
    self.genreTokens = genreTokens
  }

  /// The genres a command-line word names: one genre, or `all`.
  public static func genres(_ name: String) throws(PipelineError) -> [MusicGenre] {
    if name == "all" { return MusicGenre.allCases }
    guard let genre = MusicGenre(rawValue: name) else { throw .unknownGenre(name, known: MusicGenre.names + ["all"]) }
    return [genre]
  }

  public var tokenizer: ScoreTokenizer {
    ScoreTokenizer(vocabulary: EventVocabulary(stepsPerQuarter: stepsPerQuarter, genres: genreTokens ? MusicGenre.names : []))
  }

  public func validate() throws(PipelineError) {
    guard Limits.gridSteps.contains(stepsPerQuarter) else {
      throw .badRequest("--grid must be \(Limits.gridSteps.lowerBound)…\(Limits.gridSteps.upperBound) steps per quarter note")
    }
  }

  /// Reads and tokenizes each genre in turn, calling `each` with the genre's tokens and what
  /// was skipped.
  func forEachGenre(progress: any PipelineProgress, _ each: (TokenizedCorpus, [String]) throws -> Void) throws {
    try validate()
    let tokenizer = self.tokenizer
    for (i, genre) in genres.enumerated() {
      try progress.stage("reading \(genre.rawValue)", at: Double(i) / Double(genres.count))
      let from = Double(i) / Double(genres.count), to = Double(i + 1) / Double(genres.count)
      let corpus: GenreCorpus
      do {
        corpus = try GenreCorpus.load(genre, from: location) { done, total in
          progress.update(done, of: total, from: from, to: to, item: genre.rawValue)
        }
      } catch { throw PipelineError.badRequest(error.description) }
      try each(TokenizedCorpus(corpus, tokenizer: tokenizer), corpus.skipped.map(\.description))
    }
  }

  /// Every genre's summary (`corpus list`).
  public func list(progress: any PipelineProgress) throws -> [CorpusSummary] {
    var out: [CorpusSummary] = []
    try forEachGenre(progress: progress) { corpus, _ in out.append(corpus.summary) }
    return out
  }

  /// Writes every genre into `folder` (`corpus build`); returns the manifests.
  public func build(into folder: String, progress: any PipelineProgress) throws -> [CorpusWriter.Manifest] {
    var out: [CorpusWriter.Manifest] = []
    try forEachGenre(progress: progress) { corpus, skipped in
      do throws(CorpusError) { out.append(try CorpusWriter.write(corpus, skipped: skipped, to: folder)) } catch { throw PipelineError.failed(error.description) }
    }
    return out
  }
}
