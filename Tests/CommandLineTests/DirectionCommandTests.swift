import Foundation
import Testing
import _TestSupport

/// `eigentone direction`: a contrast direction between two prompt sets, against an independent
/// numpy recomputation from the ids and positions it reports (cosine ≥ 0.999 at every layer).
@Suite("eigentone direction")
struct DirectionCommandTests {
  static let happy = [
    "Write a cheerful note for a friend who just got a new puppy", "Describe the joy of a sunny morning at the beach",
    "Tell me about a wonderful surprise birthday party", "Write a happy song about dancing with friends",
    "Describe the delight of eating ice cream on a summer day", "Tell a funny story about a cat who loves to play",
    "Write a celebration speech for a team that won the cup", "Describe a garden full of blooming flowers in spring",
    "Write about the excitement of the first day of a holiday", "Describe laughing together at a family picnic",
  ]
  static let sad = [
    "Write a sad note for a friend whose old dog just died", "Describe the gloom of a cold grey morning alone",
    "Tell me about a lonely birthday that nobody remembered", "Write a sad song about losing touch with friends",
    "Describe the grief of an empty house after a funeral", "Tell a sad story about a lost cat that never came home",
    "Write a farewell speech for a team that lost everything", "Describe a garden of dead flowers in late autumn",
    "Write about the disappointment of a cancelled holiday", "Describe crying alone after a family argument",
  ]

  @Test func againstNumpyRecomputation() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let positive = dir.write("happy.txt", bytes: Array(Self.happy.joined(separator: "\n").utf8))
    let negative = dir.write("sad.txt", bytes: Array(Self.sad.joined(separator: "\n").utf8))
    let r = try CommandRunner.eigentone(["direction", "--positive", positive, "--negative", negative, "-o", dir.file("d.safetensors"), "--json", dir.file("d.json")])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("happy − sad direction over 10 + 10 prompts (chatml template); chosen layer"), "\(r.stdout)")
    let ours = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("d.json")))) as? [String: Any])
    let layers = try #require(ours["layers"] as? [[String: Any]])
    let chosen = try #require(ours["chosen_layer"] as? Int)
    #expect(layers.count == 30 && chosen < 24)
    let prompts = try #require(ours["prompts"] as? [[String: Any]])
    #expect(prompts.count == 20)
    // The closing tokens of the user turn and the assistant's opening: <|im_end|> \n <|im_start|> ass istant \n.
    for p in prompts {
      let ids = try #require(p["ids"] as? [Int]), positions = try #require(p["positions"] as? [Int])
      #expect(positions == Array((ids.count - 6)..<ids.count) && Array(ids.suffix(6)) == [2, 198, 1, 520, 9531, 198])
    }
    let reference = try CommandRunner.pythonJSON("llama_reference.py", ["--direction", Repository.smolLM2, dir.file("d.json")])
    let expected = try #require(reference["directions"] as? [[Double]])
    var worst = 1.0
    for (l, layer) in layers.enumerated() {
      let v = try #require(layer["direction"] as? [Double])
      #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
      worst = min(worst, zip(v, expected[l]).reduce(0) { $0 + $1.0 * $1.1 })
    }
    print("direction cosine with the numpy recomputation: worst \(worst) over 30 layers")
    #expect(worst >= 0.999)
    // The safetensors file, read by the reference reader; the same bytes again.
    let script = """
      import sys; from safetensors import safe_open
      f = safe_open(sys.argv[1], "np"); d = f.get_tensor("direction")
      print(d.shape[0], d.shape[1], f.metadata()["chosen_layer"], f.get_tensor("separation").shape[0])
      """
    let check = try CommandRunner.run("/usr/bin/env", ["python3", "-c", script, dir.file("d.safetensors")])
    #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "30 576 \(chosen) 30", "\(check.stderr)")
    _ = try CommandRunner.eigentone(["direction", "--positive", positive, "--negative", negative, "-o", dir.file("again.safetensors")])
    #expect(FileManager.default.contents(atPath: dir.file("d.safetensors")) == FileManager.default.contents(atPath: dir.file("again.safetensors")))
    // Too few prompts: a usage error naming the need.
    let few = dir.write("few.txt", bytes: Array("one\ntwo\nthree".utf8))
    let bad = try CommandRunner.eigentone(["direction", "--positive", few, "--negative", negative, "-o", dir.file("x.safetensors")])
    #expect(bad.status != 0 && bad.stderr.contains("at least 10 prompts") && !FileManager.default.fileExists(atPath: dir.file("x.safetensors")))
  }
}
