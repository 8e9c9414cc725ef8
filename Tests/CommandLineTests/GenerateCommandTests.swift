import Foundation
import Testing
import _TestSupport

/// `eigentone generate`: the key–value cache against full passes, an independent numpy
/// reference, determinism, chat turns and steering.
@Suite("eigentone generate")
struct GenerateCommandTests {
  static func json(_ output: CommandRunner.Output) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stderr)")
  }

  /// Greedy on SmolLM2 equals the numpy Llama's greedy continuation (a full pass per token)
  /// for 16 tokens.
  @Test func greedyEqualsTheReference() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = try Self.json(try CommandRunner.eigentone(["generate", "The capital of France is", "--max-tokens", "16", "--json"]))
    let prompt = try #require(out["prompt_ids"] as? [Int]), ids = try #require(out["ids"] as? [Int])
    #expect(ids.count == 16 && (out["text"] as? String)?.hasPrefix(" Paris") == true)
    let reference = try CommandRunner.pythonJSON("llama_reference.py", ["--greedy", Repository.smolLM2, "16"] + prompt.map(String.init))
    #expect(reference["ids"] as? [Int] == ids)
  }

  /// Gemma 3 (sliding-window and global layers, its own cache arithmetic): every greedy token
  /// is the full forward pass's top token for the text so far (`eigentone next`).
  @Test func gemmaCacheEqualsFullPasses() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let prompt = "Once upon a time"
    let out = try Self.json(try CommandRunner.eigentone(["generate", prompt, "gemma-3-270m", "--max-tokens", "6", "--json"]))
    let ids = try #require(out["ids"] as? [Int]), text = try #require(out["text"] as? String)
    #expect(ids.count == 6)
    // Rebuild each prefix's text from the generated text itself: the token boundaries are where
    // `next` must agree, so compare token by token through next's ids on growing prompts.
    var sofar = prompt
    for id in ids {
      let next = try CommandRunner.eigentone(["next", sofar, "gemma-3-270m", "--top", "1", "--json"])
      let top = try #require(try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [[String: Any]])
      #expect(top.first?["id"] as? Int == id, "after \(sofar.debugDescription)")
      sofar += top.first?["token"] as? String ?? ""
    }
    #expect(sofar == prompt + text)
  }

  /// Sampling is deterministic for a seed; --chat closes at the end of the assistant's turn;
  /// a steering vector changes the continuation.
  @Test func samplingChatAndSteering() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let args = ["generate", "My favourite food is", "--max-tokens", "12", "--temperature", "0.9", "--top-k", "40", "--seed", "7", "--json"]
    let a = try Self.json(try CommandRunner.eigentone(args)), b = try Self.json(try CommandRunner.eigentone(args))
    #expect(a["ids"] as? [Int] == b["ids"] as? [Int] && (a["ids"] as? [Int])?.count == 12)
    let chat = try Self.json(try CommandRunner.eigentone(["generate", "What is the capital of France?", "--chat", "--max-tokens", "40", "--json"]))
    #expect((chat["text"] as? String)?.contains("Paris") == true && ((chat["ids"] as? [Int])?.count ?? 99) < 40, "\(chat)")
    // A happy − sad direction, then the same prompt pushed both ways.
    let dir = TemporaryDirectory()
    let positive = dir.write("happy.txt", bytes: Array(DirectionCommandTests.happy.joined(separator: "\n").utf8))
    let negative = dir.write("sad.txt", bytes: Array(DirectionCommandTests.sad.joined(separator: "\n").utf8))
    let made = try CommandRunner.eigentone(["direction", "--positive", positive, "--negative", negative, "-o", dir.file("mood.safetensors")])
    #expect(made.status == 0, "\(made.stderr)")
    let plain = try Self.json(try CommandRunner.eigentone(["generate", "Today I feel", "--max-tokens", "8", "--json"]))
    let pushed = try Self.json(try CommandRunner.eigentone(["generate", "Today I feel", "--max-tokens", "8", "--json", "--steer", dir.file("mood.safetensors") + ":10:-40"]))
    #expect(plain["ids"] as? [Int] != pushed["ids"] as? [Int], "\(plain) \(pushed)")
    let bad = try CommandRunner.eigentone(["generate", "hi", "--steer", "nofile"])
    #expect(bad.status != 0 && bad.stderr.contains("DIR.safetensors:LAYER:COEF"))
  }
}
