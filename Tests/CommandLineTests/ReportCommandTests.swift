import Foundation
import Testing
import _TestSupport

/// `eigentone report`: its numbers against an independent reference, its last lens layer
/// against `eigentone next`, and the same bytes for the same inputs.
@Suite("eigentone report")
struct ReportCommandTests {
  static let installed = FileManager.default.fileExists(atPath: Repository.music21Corpus + "/bach")

  /// The largest absolute difference between two [layer][head][query][key] attention arrays,
  /// over the causal half.
  static func worstDifference(_ a: [[[[Double]]]], _ b: [[[[Double]]]]) -> Double {
    var worst = 0.0
    for l in b.indices { for h in b[l].indices { for q in b[l][h].indices { for k in 0...q { worst = max(worst, abs(a[l][h][q][k] - b[l][h][q][k])) } } } }
    return worst
  }

  /// A GPT-2-layout music model (trained briefly): attention, logit lens and next-token lists
  /// against the numpy GPT-2 in Tests/Tooling (≤ 1e-4 absolute for probabilities).
  @Test(.enabled(if: installed)) func gpt2LayoutAgainstNumpy() throws {
    let run = TemporaryDirectory(), out = TemporaryDirectory()
    let t = try CommandRunner.eigentone(
      [
        "train", "bach", "-o", run.path, "--steps", "30", "--layers", "2", "--width", "32", "--heads", "2", "--context", "64", "--batch", "4",
        "--save-every", "0", "--corpora", Repository.root + "/corpora",
      ])
    #expect(t.status == 0, "\(t.stderr)")
    let r = try CommandRunner.eigentone(
      ["report", run.path + "/final", "--prompt-midi", Repository.music21Corpus + "/bach/bwv1.6.mxl", "-o", out.file("r.html"), "--json", out.file("r.json")])
    #expect(r.status == 0, "\(r.stderr)")
    let ours = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.file("r.json")))) as? [String: Any])
    let ids = try #require(ours["ids"] as? [Int])
    #expect(ids.count == 64 && ids.first == 1)  // the context's length of the chorale, from BOS
    let reference = try CommandRunner.pythonJSON("gpt2_reference.py", ["--report", run.path + "/final"] + ids.map(String.init))
    let a1 = try #require(ours["attention"] as? [[[[Double]]]]), a2 = try #require(reference["attention"] as? [[[[Double]]]])
    var worst = Self.worstDifference(a1, a2)
    #expect(worst <= 1e-4, "attention differs by \(worst)")
    let l1 = try #require(ours["logit_lens"] as? [[[String: Any]]]), l2 = try #require(reference["logit_lens"] as? [[[String: Any]]])
    worst = 0
    for l in l2.indices {
      for t in l2[l].indices {
        worst = max(worst, abs((l1[l][t]["probability"] as? Double ?? 9) - (l2[l][t]["probability"] as? Double ?? 0)))
        worst = max(worst, abs((l1[l][t]["answer_probability"] as? Double ?? 9) - (l2[l][t]["answer_probability"] as? Double ?? 0)))
      }
    }
    #expect(worst <= 1e-4, "logit lens differs by \(worst)")
    let n1 = try #require(ours["next_token"] as? [[[String: Any]]]), n2 = try #require(reference["next_token"] as? [[[String: Any]]])
    worst = 0
    for t in n2.indices { for i in n2[t].indices { worst = max(worst, abs((n1[t][i]["probability"] as? Double ?? 9) - (n2[t][i]["probability"] as? Double ?? 0))) } }
    #expect(worst <= 1e-4, "next-token lists differ by \(worst)")
    // A music vocabulary is small: every token is shown, in the music categories, and the
    // untrained twin is the trainer's own initialisation (its step-0 checkpoint with seed 1).
    let embedding = try #require(ours["embedding"] as? [String: Any])
    #expect((embedding["ids"] as? [Int])?.count == 291)
    #expect(Set(embedding["categories"] as? [String] ?? []) == ["special", "note_on", "note_off", "time_shift"])
    let profile = try #require(ours["head_profile"] as? [String: Any])
    #expect((profile["classes"] as? [String]) == ["first", "note_on", "note_off", "time_shift", "special"])
    #expect((profile["prompts"] as? [String])?.count == 6)
    // The same inputs, the same bytes.
    _ = try CommandRunner.eigentone(["report", run.path + "/final", "--prompt-midi", Repository.music21Corpus + "/bach/bwv1.6.mxl", "-o", out.file("again.html")])
    #expect(FileManager.default.contents(atPath: out.file("r.html")) == FileManager.default.contents(atPath: out.file("again.html")))
  }

  /// On SmolLM2, the lens's last layer is `eigentone next` for the same prompt.
  @Test func lastLensLayerIsNext() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = TemporaryDirectory()
    let r = try CommandRunner.eigentone(["report", "--prompt", "The capital of France is", "-o", out.file("r.html"), "--json", out.file("r.json")])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.file("r.json")))) as? [String: Any])
    let next = try CommandRunner.eigentone(["next", "The capital of France is", "--top", "5", "--json"])
    let list = try #require(try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [[String: Any]])
    let lists = try #require(report["next_token"] as? [[[String: Any]]])
    let last = try #require(lists.last)
    for i in 0..<5 {
      #expect((last[i]["id"] as? Int) == (list[i]["id"] as? Int))
      #expect(abs((last[i]["probability"] as? Double ?? 0) - (list[i]["probability"] as? Double ?? 1)) < 1e-6)
    }
    let lens = try #require(report["logit_lens"] as? [[[String: Any]]])
    #expect(lens.count == 30 && (lens.last?.last?["token"] as? String) == " Paris")
  }

  /// A 32-token prompt on SmolLM2: attention, logit lens, next-token lists and the embedding
  /// PCA against the numpy Llama in Tests/Tooling (llama.cpp's gguf package dequantizes), the
  /// page in headless Chromium (every section drawn, linked hover, no request leaves the
  /// machine; screenshot in test-output/report/), the same bytes again, and the seed moving
  /// only the untrained twin.
  @Test func smolLM2AgainstNumpyAndInABrowser() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = TemporaryDirectory()
    let prompt = "In the old town by the river, the baker opens his shop at six, the children walk to school, the bells ring, and the mayor of town is"
    let r = try CommandRunner.eigentone(["report", "--prompt", prompt, "-o", out.file("r.html"), "--json", out.file("r.json")])
    #expect(r.status == 0, "\(r.stderr)")
    print("eigentone report, SmolLM2, 32 tokens (debug build): \(r.stdout)")
    let ours = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.file("r.json")))) as? [String: Any])
    #expect((ours["ids"] as? [Int])?.count == 32)
    let reference = try CommandRunner.pythonJSON("llama_reference.py", [Repository.smolLM2, out.file("r.json")])
    let a1 = try #require(ours["attention"] as? [[[[Double]]]]), a2 = try #require(reference["attention"] as? [[[[Double]]]])
    var worst = Self.worstDifference(a1, a2)
    #expect(a1.count == 30 && worst <= 1e-4, "attention differs by \(worst)")
    let l1 = try #require(ours["logit_lens"] as? [[[String: Any]]]), l2 = try #require(reference["logit_lens"] as? [[[String: Any]]])
    worst = 0
    for l in l2.indices {
      for t in l2[l].indices {
        #expect(l1[l][t]["id"] as? Int == l2[l][t]["id"] as? Int, "layer \(l) position \(t)")
        for key in ["probability", "answer_probability"] { worst = max(worst, abs((l1[l][t][key] as? Double ?? 9) - (l2[l][t][key] as? Double ?? 0))) }
      }
    }
    #expect(worst <= 1e-4, "logit lens differs by \(worst)")
    let n1 = try #require(ours["next_token"] as? [[[String: Any]]]), n2 = try #require(reference["next_token"] as? [[[String: Any]]])
    worst = 0
    for t in n2.indices {
      for i in n2[t].indices {
        worst = max(worst, abs((n1[t][i]["probability"] as? Double ?? 9) - (n2[t][i]["probability"] as? Double ?? 0)))
      }
    }
    #expect(worst <= 1e-4, "next-token lists differ by \(worst)")
    let embedding = try #require(ours["embedding"] as? [String: Any])
    let trained = try #require(embedding["trained"] as? [String: Any])
    let explained = try #require(trained["explained"] as? [Double]), refExplained = try #require(reference["pca_explained"] as? [Double])
    #expect(zip(explained, refExplained).allSatisfy { abs($0 - $1) < 1e-9 })
    let pca = try #require(trained["pca"] as? [[Double]]), refPCA = try #require(reference["pca"] as? [[Double]])
    #expect(pca.count == 500 && zip(pca, refPCA).allSatisfy { abs($0[0] - $1[0]) < 1e-6 && abs($0[1] - $1[1]) < 1e-6 })
    // In a real browser.
    let shots = Repository.root + "/test-output/report"
    try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
    let browser = try CommandRunner.pythonJSON("report_browser.py", [out.file("r.html"), shots + "/smollm2.png"])
    #expect(browser["scatter_points"] as? Int == 2000 && browser["attention"] as? Int == 48 && browser["heatmaps"] as? Int == 2)
    #expect((FileManager.default.contents(atPath: shots + "/smollm2.png")?.count ?? 0) > 10_000)
    // The checker is not blind: a page that reaches for the network fails it.
    var html = try String(contentsOfFile: out.file("r.html"), encoding: .utf8)
    html = html.replacingOccurrences(of: "</body>", with: "<img src=\"http://192.0.2.1/x.png\"></body>")
    try html.write(toFile: out.file("leaky.html"), atomically: true, encoding: .utf8)
    let leaky = try CommandRunner.python("report_browser.py", [out.file("leaky.html"), out.file("leaky.png")])
    #expect(leaky.status != 0 && leaky.stderr.contains("requested http://192.0.2.1"), "\(leaky.stderr)")
    // Same inputs, same bytes; another seed moves only the untrained twin.
    let again = try CommandRunner.eigentone(["report", "--prompt", prompt, "-o", out.file("again.html"), "--seed", "2", "--json", out.file("seed2.json")])
    #expect(again.status == 0, "\(again.stderr)")
    let seed2 = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.file("seed2.json")))) as? [String: Any])
    let e2 = try #require(seed2["embedding"] as? [String: Any])
    #expect(((e2["trained"] as? [String: Any])?["pca"] as? [[Double]]) == pca)
    #expect(((e2["untrained"] as? [String: Any])?["pca"] as? [[Double]]) != ((embedding["untrained"] as? [String: Any])?["pca"] as? [[Double]]))
    _ = try CommandRunner.eigentone(["report", "--prompt", prompt, "-o", out.file("same.html")])
    #expect(FileManager.default.contents(atPath: out.file("r.html")) == FileManager.default.contents(atPath: out.file("same.html")))
  }

  /// Gemma 3 270M (the third default model): its forward pass against the numpy Gemma in
  /// Tests/Tooling (next-token probabilities within 1e-3, the bound; attention and lens
  /// within 1e-4 measured), the tokens transformers gives ([<bos>, The, ▁capital, ▁of, ▁France,
  /// ▁is]), and the answer transformers reports for this file (" the" 0.191, " a" 0.111,
  /// " Paris" 0.084); `eigentone next` agrees with the report's last list.
  @Test func gemma3AgainstNumpy() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = TemporaryDirectory()
    let prompt = "The capital of France is"
    let r = try CommandRunner.eigentone(["report", "gemma-3-270m", "--prompt", prompt, "-o", out.file("r.html"), "--json", out.file("r.json")])
    #expect(r.status == 0, "\(r.stderr)")
    let ours = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.file("r.json")))) as? [String: Any])
    let ids = try #require(ours["ids"] as? [Int])
    #expect(ids == [2, 818, 5279, 529, 7001, 563])
    let reference = try CommandRunner.pythonJSON("gemma_reference.py", [Repository.gemma3] + ids.map(String.init))
    let last = try #require((ours["next_token"] as? [[[String: Any]]])?.last), expected = try #require(reference["next_token"] as? [[String: Any]])
    for (a, b) in zip(last, expected) {
      #expect(a["id"] as? Int == b["id"] as? Int)
      #expect(abs((a["probability"] as? Double ?? 9) - (b["probability"] as? Double ?? 0)) <= 1e-3)
    }
    for (i, (token, p)) in [(" the", 0.191), (" a", 0.111), (" Paris", 0.084)].enumerated() {
      #expect(last[i]["token"] as? String == token && abs((last[i]["probability"] as? Double ?? 0) - p) < 0.001)
    }
    let a1 = try #require(ours["attention"] as? [[[[Double]]]]), a2 = try #require(reference["attention"] as? [[[[Double]]]])
    var worst = Self.worstDifference(a1, a2)
    #expect(a1.count == 18 && worst <= 1e-4, "attention differs by \(worst)")
    let l1 = try #require(ours["logit_lens"] as? [[[String: Any]]]), l2 = try #require(reference["logit_lens"] as? [[[String: Any]]])
    worst = 0
    for l in l2.indices {
      for t in l2[l].indices {
        #expect(l1[l][t]["id"] as? Int == l2[l][t]["id"] as? Int, "layer \(l) position \(t)")
        worst = max(worst, abs((l1[l][t]["probability"] as? Double ?? 9) - (l2[l][t]["probability"] as? Double ?? 0)))
      }
    }
    #expect(worst <= 1e-4, "logit lens differs by \(worst)")
    let next = try CommandRunner.eigentone(["next", prompt, "gemma-3-270m", "--top", "3", "--json"])
    let list = try #require(try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [[String: Any]])
    #expect(list.map { $0["id"] as? Int } == last.prefix(3).map { $0["id"] as? Int })
  }

  /// Bad input: the reason on the first line, non-zero exit, no page.
  @Test func badInput() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = TemporaryDirectory()
    for (arguments, message) in [
      (["--prompt", "  "], "the prompt is empty"),
      (["--prompt-midi", out.file("none.mid")], "text model"),
      (["--prompt", "hi", "--samples", out.file("missing.txt")], "cannot read"),
    ] {
      let r = try CommandRunner.eigentone(["report"] + arguments + ["-o", out.file("r.html")])
      #expect(r.status != 0 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
      // The reason is the first line (usage errors add ArgumentParser's usage hint after it).
      #expect(r.stderr.split(separator: "\n").first?.contains(message) == true, "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out.file("r.html")))
    }
  }
}
