import Foundation
import Testing
import _TestSupport

@Suite("eigentone compose")
struct ComposeCommandTests {
  @Test func genresListsEveryGenre() throws {
    let out = try CommandRunner.eigentone(["genres"])
    #expect(out.status == 0)
    let names = out.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(names == ["opera", "house", "acid", "suite"])
  }

  /// Gemma 3 270M, the seed's own model family: every genre composed from its portrait (the
  /// opera first, as the seed did), each file read by mido; `inspect` names its terms; the
  /// logit lens heard.
  @Test func everyGenreFromGemma3() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    for genre in ["opera", "house", "acid", "suite"] {
      let r = try CommandRunner.eigentone(["compose", genre, "gemma-3-270m", "-o", out.file("\(genre).mid")], environment: CommandRunner.environment(cache: cache.path))
      #expect(r.status == 0 && r.stdout.hasPrefix("\(genre): key "), "\(r.stdout) \(r.stderr)")
      let midi = try CommandRunner.pythonJSON("check_midi.py", out.file("\(genre).mid"))
      #expect((midi["problems"] as? [String])?.isEmpty == true && midi["notes"] as? Int ?? 0 > 100, "\(genre): \(midi)")
    }
    let inspect = try CommandRunner.eigentone(["inspect", "gemma-3-270m"])
    #expect(inspect.status == 0 && inspect.stdout.contains("gemma3") && inspect.stdout.contains("GEMMA_TERMS.html"), "\(inspect.stdout)")
    let lens = try CommandRunner.eigentone(["sonify", "The capital of France is", "gemma-3-270m", "--mode", "lens", "--key", "D minor", "-o", out.file("lens.mid")])
    #expect(lens.status == 0, "\(lens.stderr)")
    #expect((try CommandRunner.pythonJSON("check_midi.py", out.file("lens.mid"))["problems"] as? [String])?.isEmpty == true)
  }

  /// One command writes the MIDI, the provenance table, the MusicXML and the per-layer files,
  /// with the overridden key and tempo printed and recorded.
  @Test func composeAcidWithEveryOutput() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let result = try CommandRunner.eigentone(
      [
        "compose", "acid", Repository.miniLM, "-o", out.file("acid.mid"), "--provenance", out.file("acid.json"),
        "--musicxml", out.file("acid.musicxml"), "--per-layer", out.file("layers"), "--key", "D dorian", "--tempo", "124",
      ], environment: CommandRunner.environment(cache: cache.path))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("acid: key D dorian, tempo 124 BPM, "))
    let midi = try Data(contentsOf: URL(fileURLWithPath: out.file("acid.mid")))
    #expect(midi.starts(with: Array("MThd".utf8)))
    let table = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.file("acid.json")))) as? [String: Any]
    let notes = try #require(table?["notes"] as? [[String: Any]])
    #expect(result.stdout.contains("\(notes.count) notes"))
    #expect(try String(contentsOfFile: out.file("acid.musicxml"), encoding: .utf8).contains("<score-partwise version=\"4.0\">"))
    let layers = try FileManager.default.contentsOfDirectory(atPath: out.file("layers")).sorted()
    #expect(layers == (0..<6).map { "layer-\($0).mid" })
  }

  /// The suite modulates: its MusicXML changes key at the bar lines where its MIDI file does
  /// (mido reads one, music21 the other), with the same signatures.
  @Test func suiteKeyChangesReachTheMusicXML() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let r = try CommandRunner.eigentone(
      ["compose", "suite", Repository.miniLM, "-o", out.file("s.mid"), "--musicxml", out.file("s.musicxml")],
      environment: CommandRunner.environment(cache: cache.path))
    #expect(r.status == 0, "\(r.stderr)")
    let midi = try CommandRunner.pythonJSON("check_midi.py", out.file("s.mid"))
    let xml = try CommandRunner.pythonJSON("check_musicxml.py", out.file("s.musicxml"))
    let major = ["Cb": -7, "Gb": -6, "Db": -5, "Ab": -4, "Eb": -3, "Bb": -2, "F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7]
    let minor = ["Ab": -7, "Eb": -6, "Bb": -5, "F": -4, "C": -3, "G": -2, "D": -1, "A": 0, "E": 1, "B": 2, "F#": 3, "C#": 4, "G#": 5, "D#": 6, "A#": 7]
    let fromMIDI = try (midi["keys"] as? [[Any]] ?? []).map { k -> String in
      let name = try #require(k[1] as? String), beat = try #require(k[0] as? Double)
      let sharps = name.hasSuffix("m") ? minor[String(name.dropLast())] : major[name]
      return "\(Int(beat / 4) + 1):\(try #require(sharps))"
    }
    let parts = try #require(xml["parts"] as? [[String: Any]])
    #expect(fromMIDI.count >= 2)
    for part in parts {
      #expect((part["keys"] as? [[Any]] ?? []).map { "\($0[0]):\($0[1])" } == fromMIDI)
      #expect((part["times"] as? [[Any]] ?? []).map { "\($0[0]):\($0[1])" } == ["1:4/4"])
    }
  }

  /// The same command twice gives byte-identical files.
  @Test func deterministic() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    for name in ["a", "b"] {
      let r = try CommandRunner.eigentone(["compose", "house", Repository.miniLM, "-o", out.file(name + ".mid")], environment: CommandRunner.environment(cache: cache.path))
      #expect(r.status == 0)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: out.file("a.mid"))) == Data(contentsOf: URL(fileURLWithPath: out.file("b.mid"))))
  }

  @Test(arguments: [
    (["compose", "polka", "-o", "x.mid"], "unknown genre \"polka\""),
    (["compose", "acid", "-o", "x.mid", "--key", "H major"], "--key \"H major\" is not a key"),
    (["compose", "acid", "-o", "x.mid", "--tempo", "9000"], "--tempo must be between 20 and 400"),
  ])
  func badArgumentsAreOneLineErrors(_ c: ([String], String)) throws {
    let dir = TemporaryDirectory()
    let out = try CommandRunner.eigentone(c.0, directory: dir.path)
    #expect(out.status != 0)
    #expect(out.stderr.contains(c.1), "\(out.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func badPresetNamesKeyAndLine() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let text = try String(contentsOfFile: Repository.root + "/Compositions/acid.yaml", encoding: .utf8)
      .replacingOccurrences(of: "scale: phrygian", with: "scale: bluesy")
    let preset = dir.write("bad.yaml", text: text)
    let out = try CommandRunner.eigentone(["compose", "acid", Repository.miniLM, "-o", dir.file("x.mid"), "--preset", preset])
    #expect(out.status != 0)
    #expect(out.stderr.split(separator: "\n").count == 1)
    #expect(out.stderr.contains("bad.yaml:7: scale: unknown mode \"bluesy\""), "\(out.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.file("x.mid")))
  }

  /// A copy of acid.yaml with `mlp.down.row_nroms` for `mlp.down.row_norms` (a new user's typo)
  /// is refused with the file, the line and the statistics there are; nothing is written.
  @Test func misspeltStatisticNamesFileAndLine() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let original = try String(contentsOfFile: Repository.root + "/Compositions/acid.yaml", encoding: .utf8)
    let line = try #require(original.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("mlp.down.row_norms") }) + 1
    let preset = dir.write("my-acid.yaml", text: original.replacingOccurrences(of: "mlp.down.row_norms", with: "mlp.down.row_nroms"))
    let out = try CommandRunner.eigentone(["compose", "acid", Repository.miniLM, "-o", dir.file("x.mid"), "--preset", preset])
    #expect(out.status != 0)
    #expect(out.stderr.split(separator: "\n").count == 1, "\(out.stderr)")
    #expect(out.stderr.contains("my-acid.yaml:\(line): mappings.pitch.from: unknown statistic \"mlp.down.row_nroms\""), "\(out.stderr)")
    #expect(out.stderr.contains("row_norms"), "the error lists what exists")
    #expect(!FileManager.default.fileExists(atPath: dir.file("x.mid")))
  }
}

@Suite("eigentone compose --renderer builtin")
struct BuiltinRendererCommandTests {
  /// Acid through the built-in TB-303 and 909: a mastered FLAC, and the speed on stderr.
  @Test func acidThroughTheBuiltinSynthesizer() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let r = try CommandRunner.eigentone(
      ["compose", "acid", Repository.miniLM, "-o", out.file("a.mid"), "--flac", out.file("a.flac"), "--renderer", "builtin", "--bit-depth", "16"],
      environment: CommandRunner.environment(cache: cache.path))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("audio -14.") && r.stdout.contains("true peak -1."), "\(r.stdout)")
    #expect(r.stderr.contains("builtin renderer: ") && r.stderr.contains("realtime"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: out.file("a.flac"))).starts(with: Array("fLaC".utf8)))
  }

  /// A preset part naming a patch that does not exist: one line naming it, nothing written.
  @Test func unknownPatchWritesNothing() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let text = try String(contentsOfFile: Repository.root + "/Compositions/acid.yaml", encoding: .utf8)
      .replacingOccurrences(of: "patch: tb303", with: "patch: theremin")
    let preset = dir.write("odd.yaml", text: text)
    let out = try CommandRunner.eigentone(
      ["compose", "acid", Repository.miniLM, "-o", dir.file("x.mid"), "--wav", dir.file("x.wav"), "--renderer", "builtin", "--preset", preset])
    #expect(out.status != 0)
    #expect(out.stderr.split(separator: "\n").count == 1)
    #expect(out.stderr.contains("part \"Acid\" names the built-in patch \"theremin\", which does not exist"), "\(out.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.file("x.mid")) && !FileManager.default.fileExists(atPath: dir.file("x.wav")))
  }
}

@Suite("eigentone render")
struct RenderCommandTests {
  @Test func rendersAComposedFile() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    #expect(try CommandRunner.eigentone(["compose", "acid", Repository.miniLM, "-o", out.file("a.mid")], environment: env).status == 0)
    let r = try CommandRunner.eigentone(
      ["render", out.file("a.mid"), "--wav", out.file("a.wav"), "--bit-depth", "16", "--soundfont", "/usr/share/sounds/sf2/TimGM6mb.sf2"], environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(" LUFS, true peak -1.") && r.stdout.contains(": -14."))
    #expect(FileManager.default.fileExists(atPath: out.file("a.wav")))
    let bad = try CommandRunner.eigentone(["render", out.file("missing.mid"), "--wav", out.file("b.wav")])
    #expect(bad.status != 0)
    #expect(!FileManager.default.fileExists(atPath: out.file("b.wav")))
  }
}
