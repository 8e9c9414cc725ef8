import Foundation
import ScoreReaders
import Testing
import _TestSupport

/// Malformed score files: each a clean one-line error naming the file and the problem, never a
/// crash, a hang or a partial output file (the command line is checked in ScoreCommandTests).
@Suite("Malformed score files")
struct MalformedInputTests {
  static let chorale = Repository.music21Corpus + "/bach/bwv1.6.mxl"

  static func make() throws -> TemporaryDirectory {
    let dir = TemporaryDirectory()
    _ = try CommandRunner.pythonJSON("make_bad_scores.py", [dir.path, chorale])
    return dir
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: chorale)))
  func eachIsOneLineNamingTheFile() throws {
    let dir = try Self.make()
    let expected: [(String, String)] = [
      ("truncated.mxl", "not a zip container"),
      ("bomb.mxl", "inflates past"),
      ("escape.mxl", "outside the archive's root"),
      ("broken.xml", "broken XML"),
      ("timewise.xml", "score-timewise"),
      ("spines.krn", ":4: 3 tokens for 2 spines"),
      ("badtoken.krn", ":3: cannot read the kern token \"xyz\""),
      ("rejected.abc", "tune X:1"),
      ("notes.mid", "MIDI file invalid"),
    ]
    for (name, phrase) in expected {
      let path = dir.path + "/" + name
      do {
        let outcome = try ScoreFile.read(path)
        // ABC: a rejected tune is skipped, not fatal; a file of only rejected tunes has no piece.
        #expect(outcome.pieces.isEmpty, "\(name) gave pieces")
        let message = try #require(outcome.skipped.first).description
        #expect(message.contains(phrase), "\(name): \(message)")
        #expect(message.hasPrefix(path))
      } catch let error as ScoreReadError {
        let message = error.description
        #expect(message.contains(phrase), "\(name): \(message)")
        #expect(message.hasPrefix(path), "\(name): \(message)")
        #expect(!message.contains("\n"), "\(name): \(message)")
      }
    }
  }

  /// A 512 MiB zip bomb is stopped at the limit: reading it takes little memory and time.
  @Test(.enabled(if: FileManager.default.fileExists(atPath: chorale)))
  func zipBombStopsAtTheLimit() throws {
    let dir = try Self.make()
    let start = Date()
    #expect(throws: ScoreReadError.self) { try ScoreFile.read(dir.path + "/bomb.mxl") }
    // Inflating 512 MiB of zeros takes seconds; stopping at the 1 MiB ratio limit, milliseconds.
    #expect(Date().timeIntervalSince(start) < 5)
  }
}
