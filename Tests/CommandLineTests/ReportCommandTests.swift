import Foundation
import Testing
import _TestSupport

/// `eigentone report`: its numbers against an independent reference, its last lens layer
/// against `eigentone next`, and the same bytes for the same inputs.
@Suite("eigentone report")
struct ReportCommandTests {
  static let installed = FileManager.default.fileExists(atPath: Repository.music21Corpus + "/bach")

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
    var worst = 0.0
    for l in a2.indices { for h in a2[l].indices { for q in a2[l][h].indices { for k in 0...q { worst = max(worst, abs(a1[l][h][q][k] - a2[l][h][q][k])) } } } }
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
    let html = try String(contentsOfFile: out.file("r.html"), encoding: .utf8)
    for section in ["Next token at every position", "Attention, first layer", "Attention, last layer", "head mean of every layer", "Layer flow", "Logit lens"] {
      #expect(html.contains(section), "\(section)")
    }
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
  }
}
