public import Score

/// One piece read from a score file. A multi-tune ABC file gives one piece per tune; every
/// other format, one piece per file.
public struct Piece: Sendable, Hashable {
  /// A stable name: the file's path as given, with `#X` and the tune's reference number for a
  /// tune of an ABC file. Corpus splits hash it, so it must not depend on the machine.
  public var id: String
  public var score: Score

  public init(id: String, score: Score) {
    self.id = id
    self.score = score
  }
}

/// What reading a file gave: its pieces, and the parts of it that were skipped (a tune that
/// abc2midi rejects), each with its reason.
public struct ReadOutcome: Sendable, Hashable {
  public var pieces: [Piece]
  public var skipped: [ScoreReadError]

  public init(pieces: [Piece], skipped: [ScoreReadError] = []) {
    self.pieces = pieces
    self.skipped = skipped
  }
}
