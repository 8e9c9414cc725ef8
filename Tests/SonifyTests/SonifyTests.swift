import Checkpoint
import Foundation
import Inference
import Score
import Sonify
import StandardMIDI
import Testing
import Theory
import Tokenizer
import _TestSupport

@Suite("sonification")
struct SonifyTests {
  /// WordNet gives 1000 distinct example sentences of 6–30 words, the same ones every time.
  @Test func wordNetCorpus() throws {
    try #require(FileManager.default.fileExists(atPath: Corpus.wordNetDirectory + "/data.noun"), "run scripts/bootstrap (wordnet-base)")
    let a = try Corpus.wordNet(count: 1000)
    #expect(a.count == 1000 && Set(a).count == 1000)
    #expect(a.allSatisfy { (6...30).contains($0.split(separator: " ").count) })
    #expect(try Corpus.wordNet(count: 1000) == a)
    #expect(throws: SonifyError.self) { try Corpus.wordNet(count: 10, directory: "/nonexistent") }
  }

  /// Sub-word tokens and punctuation join the word before them.
  @Test func words() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let tokenizer = try BytePairTokenizer.gguf(try Checkpoint.openGGUF(at: Repository.smolLM2))
    let words = Sonification.words(of: tokenizer.encode("The forest was silent, unbelievably."), tokenizer: tokenizer)
    #expect(words.map(\.text) == ["The", "forest", "was", "silent,", "unbelievably."])
  }

  /// The fitted map on SmolLM2: orthonormal components, variance shares that fall and sum to
  /// at most 1, ranges that are ranges, and the mean projects to the origin.
  @Test func activationMapProperties() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let checkpoint = try Checkpoint.openGGUF(at: Repository.smolLM2)
    let tokenizer = try BytePairTokenizer.gguf(checkpoint)
    let corpus = try Corpus.wordNet(count: 40)
    let map = try ActivationMap.fit(model: try LanguageModel(checkpoint: checkpoint), tokenizer: tokenizer, corpus: corpus)
    #expect(map.layers.count == 31 && map.sentences == 40)
    for l in [0, 15, 30] {
      let layer = map.layers[l]
      #expect(layer.components.count == 16)
      for i in 0..<16 {
        for j in i..<16 {
          let dot = zip(layer.components[i], layer.components[j]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
          #expect(abs(dot - (i == j ? 1 : 0)) < 1e-4, "layer \(l) components \(i)·\(j) = \(dot)")
        }
      }
      #expect(layer.explained == layer.explained.sorted(by: >) && layer.explained.reduce(0, +) <= 1 + 1e-9)
      #expect(zip(layer.low, layer.high).allSatisfy { $0 < $1 } && layer.normLow < layer.normHigh)
      #expect(map.project(layer.mean[...], layer: l).allSatisfy { abs($0) < 1e-3 })
    }
  }
}

@Suite("eigentone sonify")
struct SonifyCommandTests {
  static func corpus(_ dir: TemporaryDirectory) throws -> String {
    dir.write("corpus.txt", text: try Corpus.wordNet(count: 24).joined(separator: "\n"))
  }

  /// A prompt becomes a MIDI file that mido reads, with one note per word in each of three
  /// voices plus the drone, the words as lyrics and in the timing file, provenance for every
  /// note, and the same bytes on a second run (which reuses the cached map).
  @Test func wordsMode() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let dir = TemporaryDirectory(), cache = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let corpus = try Self.corpus(dir)
    var args = [
      "sonify", "The forest was silent.", "-o", dir.file("a.mid"), "--timing", dir.file("a.json"), "--provenance", dir.file("p.json"), "--corpus",
      corpus, "--key", "D dorian",
    ]
    let r = try CommandRunner.eigentone(args, environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("4 words"), "\(r.stdout)")
    let check = try CommandRunner.python("check_midi.py", [dir.file("a.mid")])
    let report = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
    #expect(report["notes"] as? Int == 3 * 4 + 2)
    #expect((report["problems"] as? [Any])?.isEmpty == true)
    let timing = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("a.json")))) as? [[String: Any]])
    #expect(timing.compactMap { $0["word"] as? String } == ["The", "forest", "was", "silent."])
    let onsets = timing.compactMap { $0["onset"] as? Double }
    #expect(onsets == onsets.sorted() && onsets.first == 0)
    let midi = try MIDIFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("a.mid")))))
    let lyrics = Score(midi: midi).tracks.flatMap(\.lyrics).filter { $0.kind == .lyric }.map(\.text)
    #expect(lyrics == ["The", "forest", "was", "silent."])
    let table = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("p.json")))) as? [String: Any])
    let notes = try #require(table["notes"] as? [[String: Any]])
    #expect(notes.count == 14)
    #expect(notes.allSatisfy { $0["layer"] is Int && $0["index"] is Int && ["pca.1", "norm"].contains($0["statistic"] as? String ?? "") })
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path + "/activations").count == 1)
    args[3] = dir.file("b.mid")
    #expect(try CommandRunner.eigentone(args, environment: env).status == 0)
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("a.mid"))) == Data(contentsOf: URL(fileURLWithPath: dir.file("b.mid"))))
  }

  /// Thinking: a bar per layer, every token a voice in every bar.
  @Test func thinkingMode() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let dir = TemporaryDirectory(), cache = TemporaryDirectory()
    let r = try CommandRunner.eigentone(
      ["sonify", "Hello there, world", "--mode", "thinking", "-o", dir.file("t.mid"), "--corpus", try Self.corpus(dir), "--key", "A minor"],
      environment: CommandRunner.environment(cache: cache.path))
    #expect(r.status == 0, "\(r.stderr)")
    let score = Score(midi: try MIDIFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("t.mid"))))))
    #expect(score.markers.filter { $0.text.hasPrefix("layer ") }.count == 30)
    let tokens = try BytePairTokenizer.gguf(try Checkpoint.openGGUF(at: Repository.smolLM2)).encode("Hello there, world").count
    #expect(score.tracks.reduce(0) { $0 + $1.notes.count } == 30 * tokens)
  }

  /// Lens: one beat per layer for the last token, checked against `eigentone report`'s logit
  /// lens for the same prompt (numbers the report tests check against numpy): each marker names
  /// that layer's top token, the answer voice climbs 1.4 scale degrees per doubling of the final
  /// answer's rank and sits on the tonic from the layer where the answer settles, the pad's
  /// loudness follows the top token's probability, the bass resolves to the tonic.
  @Test func lensMode() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let dir = TemporaryDirectory()
    let prompt = "The capital of France is"
    let r = try CommandRunner.eigentone(["sonify", prompt, "--mode", "lens", "-o", dir.file("l.mid"), "--key", "C major"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try CommandRunner.eigentone(["report", "--prompt", prompt, "-o", dir.file("r.html"), "--json", dir.file("r.json")])
    #expect(report.status == 0, "\(report.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("r.json")))) as? [String: Any])
    let lens = try #require(json["logit_lens"] as? [[[String: Any]]])
    let settle = try #require((json["settles"] as? [Int])?.last)
    let score = Score(midi: try MIDIFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("l.mid"))))))
    let lead = try #require(score.tracks.first { $0.name == "Answer" }).orderedNotes
    let pad = try #require(score.tracks.first { $0.name == "Confidence" }).orderedNotes
    let bass = try #require(score.tracks.first { $0.name == "Bass" }).orderedNotes
    let markers = score.markers.filter { $0.text.hasPrefix("layer ") }
    #expect(lens.count == 30 && markers.count == 30 && lead.count == 31 && bass.count == 31)
    let major = [0, 2, 4, 5, 7, 9, 11]
    for l in 0..<30 {
      let entry = lens[l][lens[l].count - 1]
      let token = entry["token"] as? String ?? "?", rank = entry["answer_rank"] as? Int ?? -1, p = entry["probability"] as? Double ?? -1
      #expect(markers[l].text.hasPrefix("layer \(l): \(token.debugDescription)"), "\(markers[l].text)")
      let degree = min(14, Int((1.4 * log2(1 + Double(rank))).rounded()))
      #expect(lead[l].pitch == 60 + 12 * (degree / 7) + major[degree % 7], "layer \(l): rank \(rank)")
      #expect(pad.filter { abs($0.onset - Double(l)) < 1e-6 }.allSatisfy { $0.velocity == 25 + Int((p * 95).rounded()) })
      if l >= settle {
        #expect(lead[l].pitch == 60 && bass[l].pitch == 36)
      }
    }
    #expect(score.markers.last?.text.contains("\"\u{20}Paris\"") == true || score.markers.last?.text.contains("Paris") == true)
  }

  @Test func badInputs() throws {
    let dir = TemporaryDirectory()
    for (args, message) in [
      (["sonify", "  ", "-o", dir.file("x.mid")], "the prompt is empty"),
      (["sonify", String(repeating: "word ", count: 1000), "-o", dir.file("x.mid")], "longer than 4 KiB"),
      (["sonify", "hi", "-o", dir.file("x.mid"), "--corpus", "/nonexistent.txt"], "cannot read the reference corpus"),
    ] {
      let r = try CommandRunner.eigentone(args)
      #expect(r.status != 0)
      #expect(r.stderr.contains(message), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: dir.file("x.mid")))
    }
  }
}
