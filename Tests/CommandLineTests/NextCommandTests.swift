import Foundation
import Testing
import _TestSupport

@Suite("eigentone next")
struct NextCommandTests {
  /// The default model (SmolLM2, 4-bit GGUF) continues "The capital of France is" with " Paris".
  @Test func paris() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let r = try CommandRunner.eigentone(["next", "The capital of France is", "--top", "3", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    #expect(entries.count == 3)
    #expect(entries.first?["token"] as? String == " Paris")
    let p = entries.compactMap { $0["probability"] as? Double }
    #expect(p.count == 3 && p == p.sorted(by: >) && p.reduce(0, +) <= 1)
    let text = try CommandRunner.eigentone(["next", "The capital of France is", "--top", "2"])
    #expect(text.stdout.contains("\" Paris\""))
  }

  @Test(arguments: [
    (["next", "hello", "--top", "0"], "--top must be between 1 and 100"),
    (["next", ""], "the prompt is empty"),
  ])
  func badArguments(_ c: ([String], String)) throws {
    let r = try CommandRunner.eigentone(c.0)
    #expect(r.status != 0)
    #expect(r.stderr.contains(c.1), "\(r.stderr)")
  }

  /// A model without a forward pass (BERT) is a one-line error naming the architecture.
  @Test func unsupportedModel() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let r = try CommandRunner.eigentone(["next", "hello", Repository.miniLM])
    #expect(r.status != 0)
    #expect(r.stderr.split(separator: "\n").count == 1)
    #expect(r.stderr.contains("no forward pass for architecture \"bert\""), "\(r.stderr)")
  }
}
