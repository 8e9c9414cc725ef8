import Foundation
import Testing
import _TestSupport

/// `eigentone score`, `tokenize` and `corpus` on the real corpus files.
@Suite("eigentone score, tokenize, corpus")
struct MusicInCommandTests {
  static let corpus = Repository.music21Corpus
  static let chorale = corpus + "/bach/bwv1.6.mxl"
  static let installed = FileManager.default.fileExists(atPath: chorale)

  /// A chorale to MIDI (read back by mido), MusicXML (read back by music21) and FLAC; a kern
  /// movement and an ABC tune to MIDI.
  @Test(.enabled(if: installed)) func scoreConvertsEachFormat() throws {
    let out = TemporaryDirectory()
    let r = try CommandRunner.eigentone(["score", Self.chorale, "-o", out.file("c.mid"), "--musicxml", out.file("c.musicxml"), "--flac", out.file("c.flac")])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("bwv1.6: 5 parts, 491 notes → "))
    let midi = try CommandRunner.pythonJSON("check_midi.py", out.file("c.mid"))
    #expect((midi["notes"] as? Int) == 491)
    #expect((midi["problems"] as? [String]) == [])
    let xml = try CommandRunner.pythonJSON("check_musicxml.py", out.file("c.musicxml"))
    #expect((xml["parts"] as? [[String: Any]])?.count == 5, "\(xml)")
    #expect(FileManager.default.fileExists(atPath: out.file("c.flac")))
    let kern = try CommandRunner.eigentone(["score", Self.corpus + "/palestrina/Agnus.krn", "-o", out.file("k.mid")])
    #expect(kern.status == 0 && kern.stdout.hasPrefix("Agnus: 5 parts, 470 notes"), "\(kern.stdout)\(kern.stderr)")
    let abc = try CommandRunner.eigentone(["score", Self.corpus + "/essenFolksong/altdeu10.abc", "--tune", "2", "-o", out.file("a.mid")])
    #expect(abc.status == 0 && abc.stdout.hasPrefix("Herzog Ernst: 1 part, 104 notes (tune 2 of "), "\(abc.stdout)\(abc.stderr)")
  }

  /// Bad input: one line naming the file, exit status 1, no output file.
  @Test(.enabled(if: installed)) func badInputIsOneLineAndNoFile() throws {
    let out = TemporaryDirectory()
    _ = try CommandRunner.pythonJSON("make_bad_scores.py", [out.path, Self.chorale])
    for name in ["truncated.mxl", "bomb.mxl", "spines.krn", "rejected.abc", "broken.xml"] {
      let target = out.file(name + ".mid")
      let r = try CommandRunner.eigentone(["score", out.path + "/" + name, "-o", target])
      #expect(r.status != 0, "\(name)")
      let lines = r.stderr.split(separator: "\n")
      #expect(lines.count == 1 && lines[0].contains(name), "\(name): \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: target), "\(name)")
    }
    let missing = try CommandRunner.eigentone(["score", out.path + "/nothing.krn", "-o", out.file("x.mid")])
    #expect(missing.status != 0 && missing.stderr.contains("no such file"))
    let unknown = try CommandRunner.eigentone(["tokenize", out.path + "/notes.txt"])
    #expect(unknown.status != 0 && unknown.stderr.contains("unknown score format"))
  }

  /// `tokenize --json` gives the ids `corpus build` wrote for the same piece, and names that
  /// match the vocabulary file.
  @Test(.enabled(if: installed)) func tokenizeMatchesTheBuiltCorpus() throws {
    let out = TemporaryDirectory()
    let t = try CommandRunner.eigentone(["tokenize", Self.chorale, "--json"])
    #expect(t.status == 0, "\(t.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as? [String: Any])
    let ids = try #require(json["ids"] as? [Int])
    let names = try #require(json["tokens"] as? [String])
    #expect(ids.first == 1 && ids.last == 2 && ids.count == names.count)
    let b = try CommandRunner.eigentone(["corpus", "build", "bach", "-o", out.path, "--corpora", Repository.root + "/corpora"])
    #expect(b.status == 0, "\(b.stderr)")
    #expect(b.stdout.hasPrefix("bach: 413 pieces ("))
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + "/bach/manifest.json"))) as? [String: Any])
    let pieces = try #require(manifest["pieces"] as? [[String: Any]])
    let entry = try #require(pieces.first { ($0["id"] as? String) == "bach/bwv1.6.mxl" })
    let split = try #require(entry["split"] as? String), offset = try #require(entry["offset"] as? Int)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: out.path + "/bach/\(split).tokens"))
    let stored = (0..<ids.count).map { Int(bytes[2 * (offset + $0)]) | Int(bytes[2 * (offset + $0) + 1]) << 8 }
    #expect(stored == ids)
    let vocabulary = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + "/vocabulary.json"))) as? [String: Any])
    let table = try #require(vocabulary["tokens"] as? [String])
    #expect(ids.map { table[$0] } == names)
    // Building again gives the same bytes.
    let again = TemporaryDirectory()
    _ = try CommandRunner.eigentone(["corpus", "build", "bach", "-o", again.path, "--corpora", Repository.root + "/corpora"])
    for file in ["bach/train.tokens", "bach/validation.tokens", "bach/manifest.json", "vocabulary.json"] {
      #expect(FileManager.default.contents(atPath: out.path + "/" + file) == FileManager.default.contents(atPath: again.path + "/" + file), "\(file)")
    }
  }

  /// `corpus list --json`: the twelve genres with their sizes, baselines and licences.
  @Test(.enabled(if: installed)) func corpusListJSON() throws {
    let r = try CommandRunner.eigentone(["corpus", "list", "--json", "--corpora", Repository.root + "/corpora"])
    #expect(r.status == 0, "\(r.stderr)")
    let list = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    #expect(
      list.map { $0["name"] as? String } == ["bach", "palestrina", "monteverdi", "trecento", "beethoven", "essen", "ryans", "atonal", "metal", "rock", "pop", "rap"])
    for g in list {
      #expect(Set(g.keys) == ["name", "pieces", "notes", "tokens", "bigram_entropy", "license"])
      let h = try #require(g["bigram_entropy"] as? Double)
      #expect(h > 0.5 && h < log(291.0), "\(g)")
      #expect((g["tokens"] as? Int ?? 0) > (g["notes"] as? Int ?? 0) * 2)
    }
    #expect(list.first { $0["name"] as? String == "essen" }?["license"] as? String == "music21 corpus: Essen database, non-commercial use only")
    let missing = try CommandRunner.eigentone(["corpus", "build", "bach", "--corpora", "/nonexistent"])
    #expect(missing.status != 0 && missing.stderr.contains("run scripts/bootstrap"))
    let unknown = try CommandRunner.eigentone(["corpus", "build", "polka"])
    #expect(unknown.status != 0 && unknown.stderr.contains("unknown genre \"polka\""))
  }
}
