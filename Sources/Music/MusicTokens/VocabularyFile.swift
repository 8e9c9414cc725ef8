/// The vocabulary as `vocabulary.json` holds it, beside a built corpus and in every trained
/// model's folder: the grid, the genres, the size and every id's name (in id order).
public struct VocabularyFile: Sendable, Hashable, Codable {
  public var stepsPerQuarter: Int
  public var genres: [String]
  public var size: Int
  public var tokens: [String]

  enum CodingKeys: String, CodingKey {
    case genres, size, tokens
    case stepsPerQuarter = "steps_per_quarter"
  }

  public init(_ vocabulary: EventVocabulary) {
    stepsPerQuarter = vocabulary.stepsPerQuarter
    genres = vocabulary.genres
    size = vocabulary.size
    tokens = vocabulary.names
  }

  /// The vocabulary the file describes (its names are derived, not read).
  public var vocabulary: EventVocabulary { EventVocabulary(stepsPerQuarter: stepsPerQuarter, genres: genres) }
}
