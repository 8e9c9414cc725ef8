public import MusicTokens
import ScoreReaders

/// `eigentone tokenize`: a score file's event-token ids and names.
public struct TokenizeRequest: Sendable, Hashable {
  public var input: String
  public var tune: Int?
  public var stepsPerQuarter: Int

  public init(input: String, tune: Int? = nil, stepsPerQuarter: Int = EventVocabulary.defaultStepsPerQuarter) {
    self.input = input
    self.tune = tune
    self.stepsPerQuarter = stepsPerQuarter
  }

  /// The ids and their names (`{"ids": [...], "tokens": [...]}` in JSON).
  public struct Tokens: Sendable, Hashable, Codable {
    public var ids: [Int]
    public var tokens: [String]
  }

  public func validate() throws(PipelineError) {
    guard Limits.gridSteps.contains(stepsPerQuarter) else {
      throw .badRequest("--grid must be \(Limits.gridSteps.lowerBound)…\(Limits.gridSteps.upperBound) steps per quarter note")
    }
    guard ScoreFormat(path: input) != nil else { throw .badRequest("\(input): unknown score format; expected \(ScoreFormat.extensions)") }
  }

  public func run() throws(PipelineError) -> Tokens {
    try validate()
    let (piece, _) = try MusicInput.piece(input, tune: tune)
    let tokenizer = ScoreTokenizer(vocabulary: EventVocabulary(stepsPerQuarter: stepsPerQuarter))
    let ids = tokenizer.encode(piece.score)
    return Tokens(ids: ids, tokens: ids.map(tokenizer.vocabulary.name))
  }
}
