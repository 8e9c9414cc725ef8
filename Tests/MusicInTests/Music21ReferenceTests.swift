import Foundation
import Score
import ScoreReaders
import Testing
import _TestSupport

/// The readers against music21's parse of the same files (test tooling: music21 10.5.1 from
/// PyPI): every pitched note (pitch, onset, end on the sixteenth grid), tied notes merged,
/// grace notes left out, at sounding pitch, must be the same multiset.
@Suite("Score readers against music21")
struct Music21ReferenceTests {
  static let grid = 4.0

  /// Our notes for `file[#tune]`, as music21_notes.py prints them.
  static func ours(_ argument: String) throws -> [[Int]] {
    let (path, tune) = split(argument)
    let outcome = try ScoreFile.read(path)
    let piece = try #require(tune.map { t in outcome.pieces.first { $0.id.hasSuffix("#\(t)") } } ?? outcome.pieces.first)
    var notes: [[Int]] = []
    for track in piece.score.tracks where !track.isDrum {
      for n in track.notes {
        notes.append([n.pitch, Int((n.onset * grid).rounded()), Int((n.end * grid).rounded())])
      }
    }
    return notes.sorted { $0.lexicographicallyPrecedes($1) }
  }

  static func split(_ argument: String) -> (String, Int?) {
    let parts = argument.split(separator: "#", maxSplits: 1)
    return (String(parts[0]), parts.count > 1 ? Int(parts[1]) : nil)
  }

  /// Compares every file; returns the ones that differ, with a short reason each.
  static func compare(_ arguments: [String]) throws -> [String] {
    let reference = try CommandRunner.pythonJSON("music21_notes.py", ["\(Int(grid))"] + arguments)
    var differences: [String] = []
    for a in arguments {
      guard let theirs = reference[a] as? [[Int]] else {
        differences.append("\(a): music21 failed: \(reference[a] ?? "nothing")")
        continue
      }
      let mine = try ours(a)
      if mine != theirs {
        let onlyMine = mine.filter { !theirs.contains($0) }.prefix(3)
        let onlyTheirs = theirs.filter { !mine.contains($0) }.prefix(3)
        differences.append("\(a): \(mine.count) notes vs music21's \(theirs.count); only ours \(Array(onlyMine)), only music21's \(Array(onlyTheirs))")
      }
    }
    return differences
  }

  static func files(_ folder: String, _ ext: String, count: Int) throws -> [String] {
    let dir = Repository.music21Corpus + "/" + folder
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix("." + ext) }.sorted()
    return names.prefix(count).map { dir + "/" + $0 }
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: Repository.music21Corpus + "/bach")))
  func chorales() throws {
    let files = try Self.files("bach", "mxl", count: 30)
    #expect(files.count == 30)
    let differences = try Self.compare(files)
    #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: Repository.music21Corpus + "/palestrina")))
  func kernMovements() throws {
    let files = try Self.files("palestrina", "krn", count: 20) + Self.files("bach", "krn", count: 3)
    #expect(files.count == 23)
    let differences = try Self.compare(files)
    #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
  }

  /// Twenty Essen tunes without repeat signs and without written accidentals. Both are
  /// documented differences (ABCReader): abc2midi plays repeats, music21 reads them once; and
  /// abc2midi holds an accidental to the end of its bar as ABC 2.1 says (§4.2), where music21
  /// 10.5.1 applies it to one note (`_B2B2` in K:G is B♭ B♭ for abc2midi, B♭ B♮ for music21;
  /// ``ABCReaderTests`` checks the standard's reading).
  @Test(.enabled(if: FileManager.default.fileExists(atPath: Repository.music21Corpus + "/essenFolksong")))
  func abcTunes() throws {
    var arguments: [String] = []
    for file in try Self.files("essenFolksong", "abc", count: 40) {
      let text = try String(contentsOfFile: file, encoding: .isoLatin1)
      for tune in text.components(separatedBy: "\nX:").dropFirst().prefix(3) {
        guard let number = Int(tune.prefix { $0.isNumber }) else { continue }
        // The music lines: not the tune's own number line, not header fields ("T: …", "K: G").
        let body = tune.split(separator: "\n").dropFirst().filter { line in
          !(line.first?.isLetter == true && line.dropFirst().first == ":")
        }.joined()
        if body.contains(":|") || body.contains("|:") || body.contains("[1") || body.contains("{") { continue }
        if body.contains("^") || body.contains("_") || body.contains("=") { continue }
        arguments.append("\(file)#\(number)")
        break
      }
      if arguments.count == 20 { break }
    }
    #expect(arguments.count == 20)
    let differences = try Self.compare(arguments)
    #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
  }
}
