import Foundation
import Testing
import _TestSupport

/// `eigentone train`, `sample`, `evaluate` and `compose --checkpoints` on the real Bach corpus,
/// with a small model and few steps (the full default run is measured by
/// benchmarks/train-vs-pytorch).
@Suite("eigentone train, sample, evaluate")
struct ModelMakingCommandTests {
  static let corpora = Repository.root + "/corpora"
  static let installed = FileManager.default.fileExists(atPath: Repository.music21Corpus + "/bach")
  static let small = ["--layers", "2", "--width", "32", "--heads", "2", "--context", "64", "--batch", "4", "--corpora", corpora]

  static func train(_ dir: String, steps: Int, extra: [String] = []) throws -> CommandRunner.Output {
    try CommandRunner.eigentone(["train", "bach", "-o", dir, "--steps", "\(steps)", "--save-every", "10", "--eval-every", "10"] + small + extra)
  }

  /// A run writes its checkpoints and log; the same seed gives byte-identical checkpoints; a
  /// run stopped and resumed ends exactly where an uninterrupted one does.
  @Test(.enabled(if: installed)) func trainIsDeterministicAndResumesExactly() throws {
    let a = TemporaryDirectory(), b = TemporaryDirectory()
    let r = try Self.train(a.path, steps: 30)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("bach: 30 steps of 4 × 64 tokens in "), "\(r.stdout)")
    let folders = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
    #expect(folders == ["final", "state", "step-000000", "step-000010", "step-000020", "step-000030", "train.jsonl"])
    for file in ["model.safetensors", "config.json", "vocabulary.json"] {
      #expect(FileManager.default.fileExists(atPath: a.path + "/final/" + file))
    }
    let lines = try String(contentsOfFile: a.path + "/train.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 3)
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(Set(object.keys) == ["step", "loss", "val_loss", "lr", "tokens_per_second"])
      #expect((object["val_loss"] as? Double) != nil)
    }
    // The same seed again: the same bytes.
    _ = try Self.train(b.path, steps: 30)
    for folder in ["step-000000", "step-000020", "final"] {
      #expect(
        FileManager.default.contents(atPath: "\(a.path)/\(folder)/model.safetensors") == FileManager.default.contents(atPath: "\(b.path)/\(folder)/model.safetensors"),
        "\(folder)")
    }
    // Interrupted after 20 steps (--stop-after), then resumed: the same final model as the
    // uninterrupted run.
    let d = TemporaryDirectory()
    let first = try CommandRunner.eigentone(["train", "bach", "-o", d.path, "--steps", "30", "--save-every", "10", "--eval-every", "10", "--stop-after", "20"] + Self.small)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(!FileManager.default.fileExists(atPath: d.path + "/final"))
    let resumed = try Self.train(d.path, steps: 30, extra: ["--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(FileManager.default.contents(atPath: "\(a.path)/final/model.safetensors") == FileManager.default.contents(atPath: "\(d.path)/final/model.safetensors"))
    let resumedLines = try String(contentsOfFile: d.path + "/train.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(resumedLines.count == 3)
  }

  /// Sampling: deterministic for a seed, valid MIDI (mido), --key keeps to the scale; evaluate
  /// prints the loss as JSON; compose --checkpoints has a section per checkpoint.
  @Test(.enabled(if: installed)) func sampleEvaluateCompose() throws {
    let run = TemporaryDirectory(), out = TemporaryDirectory()
    _ = try Self.train(run.path, steps: 20)
    let s1 = try CommandRunner.eigentone(["sample", run.path, "-o", out.file("a.mid"), "--seconds", "8", "--seed", "3"])
    #expect(s1.status == 0, "\(s1.stderr)")
    _ = try CommandRunner.eigentone(["sample", run.path, "-o", out.file("b.mid"), "--seconds", "8", "--seed", "3"])
    #expect(FileManager.default.contents(atPath: out.file("a.mid")) == FileManager.default.contents(atPath: out.file("b.mid")))
    let midi = try CommandRunner.pythonJSON("check_midi.py", out.file("a.mid"))
    #expect((midi["problems"] as? [String]) == [])
    #expect((midi["notes"] as? Int ?? 0) > 0)
    let keyed = try CommandRunner.eigentone(["sample", run.path, "-o", out.file("k.mid"), "--seconds", "8", "--key", "D dorian", "--top-k", "0", "--top-p", "0.95"])
    #expect(keyed.status == 0, "\(keyed.stderr)")
    let ids = try CommandRunner.eigentone(["tokenize", out.file("k.mid"), "--json"])
    let tokens = try #require((try JSONSerialization.jsonObject(with: Data(ids.stdout.utf8)) as? [String: Any])?["tokens"] as? [String])
    let dorian: Set<Int> = [2, 4, 5, 7, 9, 11, 0]
    for t in tokens where t.hasPrefix("NOTE_ON_") { #expect(dorian.contains((Int(t.dropFirst(8)) ?? -1) % 12), "\(t)") }
    let e = try CommandRunner.eigentone(["evaluate", run.path, Repository.music21Corpus + "/bach/bwv1.6.mxl", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let result = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
    // 1054 ids in windows of 64: 16 full ones (63 predictions each) and one of 30 (29).
    #expect((result["tokens"] as? Int) == 16 * 63 + 29)
    #expect(((result["loss"] as? Double) ?? 0) > 0)
    let c = try CommandRunner.eigentone(["compose", "acid", "--checkpoints", run.path, "-o", out.file("run.mid")])
    #expect(c.status == 0, "\(c.stderr)")
    #expect(c.stdout.hasPrefix("acid across 3 checkpoints (step 0, step 10, step 20)"), "\(c.stdout)")
    let bad = try CommandRunner.eigentone(["sample", out.path, "-o", out.file("x.mid")])
    #expect(bad.status != 0 && bad.stderr.contains("config.json"))
  }

  /// `train all`: twelve models (tiny, a few steps) and one self-contained comparison page with a
  /// piano roll, a player and loss curves per genre.
  @Test(.enabled(if: installed)) func trainAllWritesTheComparisonPage() throws {
    let dir = TemporaryDirectory()
    let r = try CommandRunner.eigentone(
      [
        "train", "all", "-o", dir.path, "--steps", "10", "--save-every", "0", "--eval-every", "5", "--layers", "1", "--width", "16", "--heads", "2",
        "--context", "32", "--batch", "2", "--corpora", Self.corpora,
      ])
    #expect(r.status == 0, "\(r.stderr)")
    let genres = ["bach", "palestrina", "monteverdi", "trecento", "beethoven", "essen", "ryans", "atonal", "metal", "rock", "pop", "rap"]
    for g in genres {
      #expect(FileManager.default.fileExists(atPath: "\(dir.path)/\(g)/final/model.safetensors"), "\(g)")
      #expect(FileManager.default.fileExists(atPath: "\(dir.path)/\(g)/sample.flac"), "\(g)")
    }
    let html = try String(contentsOfFile: dir.path + "/index.html", encoding: .utf8)
    #expect(html.components(separatedBy: "<section>").count - 1 == 12)
    #expect(html.components(separatedBy: "data:audio/flac;base64,").count - 1 == 12)
    #expect(html.components(separatedBy: "class=\"roll\"").count - 1 == 12)
    #expect(html.components(separatedBy: "class=\"curves\"").count - 1 == 12)
    #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
    #expect(r.stdout.contains("index.html"))
  }
}
