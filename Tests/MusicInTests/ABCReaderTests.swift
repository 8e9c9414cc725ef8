import Foundation
import Score
import ScoreReaders
import Testing
import _TestSupport

/// The ABC reader (abc2midi underneath) on constructions with known answers.
@Suite("ABC reader")
struct ABCReaderTests {
  static func read(_ text: String) throws -> ReadOutcome {
    let dir = TemporaryDirectory()
    let path = dir.path + "/t.abc"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return try ScoreFile.read(path, id: "t.abc")
  }

  static func pitches(_ piece: Piece) -> [Int] { piece.score.tracks.flatMap(\.notes).sorted { $0.onset < $1.onset }.map(\.pitch) }

  /// ABC 2.1 §4.2: an accidental holds to the end of the bar; the key signature returns after it.
  @Test func accidentalsHoldToTheBarline() throws {
    let outcome = try Self.read("X:1\nT:carry\nM:4/4\nL:1/4\nK:G\n_B B c2 | B4 |]\n")
    #expect(Self.pitches(try #require(outcome.pieces.first)) == [70, 70, 72, 71])
  }

  /// Every tune becomes a piece named by its reference number; a tune abc2midi rejects is
  /// reported and skipped, not fatal.
  @Test func multiTuneFileWithABadTune() throws {
    let text = """
      X:7
      T:first
      M:3/4
      L:1/8
      K:D
      d2 f2 a2 | d6 |]

      X:9
      T:broken
      M:4/4
      K:Xyz
      C D E F |]

      X:12
      T:third
      M:2/4
      L:1/8
      K:C
      C D E F | G4 |]
      """
    let outcome = try Self.read(text)
    #expect(outcome.pieces.map(\.id) == ["t.abc#7", "t.abc#12"])
    #expect(outcome.pieces.map(\.score.title) == ["first", "third"])
    #expect(outcome.skipped.count == 1)
    #expect(outcome.skipped.first?.location == .tune(9))
    // D major: d f♯ a, in eighths (L:1/8 → a quarter for "2").
    let first = try #require(outcome.pieces.first)
    #expect(Self.pitches(first) == [74, 78, 81, 74])
    #expect(first.score.tracks.flatMap(\.notes).map(\.duration).prefix(3) == [1, 1, 1])
  }

  @Test func aFileWithoutTunesIsAnError() throws {
    #expect(throws: ScoreReadError.self) { try Self.read("just some text\n") }
  }
}
