import Foundation
import Testing
import _TestSupport

@Suite("eigentone inspect")
struct InspectCommandTests {
  static func json(_ output: CommandRunner.Output) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
    return try #require(object as? [String: Any])
  }

  @Test func helpText() throws {
    let out = try CommandRunner.eigentone(["inspect", "--help"])
    #expect(out.status == 0)
    #expect(
      out.stdout == """
        OVERVIEW: Show a model's architecture, sizes, dtypes and per-layer tensor
        roles.

        Reads headers only, so it answers at once whatever the model's size.

        USAGE: eigentone inspect [<model>] [--json]

        ARGUMENTS:
          <model>                 The model: a file, a folder, a Hugging Face repo id,
                                  or a name under models/. (default:
                                  smollm2-135m-instruct)

        OPTIONS:
          --json                  Print one JSON object instead of the table.
          --version               Show the version.
          -h, --help              Show help information.


        """)
  }

  @Test func miniLMAsJSON() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = try CommandRunner.eigentone(["inspect", Repository.miniLM, "--json"])
    #expect(out.status == 0)
    #expect(out.stderr.isEmpty)
    let j = try Self.json(out)
    #expect(j["architecture"] as? String == "bert")
    #expect(j["layer_count"] as? Int == 6)
    #expect(j["hidden_size"] as? Int == 384)
    let parameters = try #require(j["parameter_count"] as? Int)
    #expect((Double(parameters) / 1e6 * 10).rounded() / 10 == 22.7)
    let tensors = try #require(j["tensors"] as? [[String: Any]])
    #expect(tensors.count == 104)
    let q = try #require(tensors.first { $0["name"] as? String == "encoder.layer.3.attention.self.query.weight" })
    #expect(q["dtype"] as? String == "F32")
    #expect(q["shape"] as? [Int] == [384, 384])
    #expect(q["role"] as? String == "attn.q")
    #expect(q["layer"] as? Int == 3)
    let ids = try #require(tensors.first { $0["name"] as? String == "embeddings.position_ids" })
    #expect(ids["dtype"] as? String == "I64")
    #expect(ids["role"] as? String == "buffer")
  }

  @Test func smolLM2AsJSON() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = try CommandRunner.eigentone(["inspect", Repository.smolLM2, "--json"])
    #expect(out.status == 0)
    let j = try Self.json(out)
    #expect(j["architecture"] as? String == "llama")
    #expect(j["layer_count"] as? Int == 30)
    #expect(j["hidden_size"] as? Int == 576)
    #expect(j["head_count"] as? Int == 9)
    #expect(j["kv_head_count"] as? Int == 3)
    #expect(j["parameter_count"] as? Int == 134_515_008)
    let tensors = try #require(j["tensors"] as? [[String: Any]])
    #expect(tensors.count == 272)
    let down = try #require(tensors.first { $0["name"] as? String == "blk.29.ffn_down.weight" })
    #expect(down["role"] as? String == "mlp.down")
    #expect(down["layer"] as? Int == 29)
    #expect(down["dtype"] as? String == "Q4_1")
    #expect(down["shape"] as? [Int] == [576, 1536])
  }

  /// Without a MODEL argument the bundled SmolLM2 is used; the table lists all 30 layers.
  @Test func defaultModelTable() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let out = try CommandRunner.eigentone(["inspect"], directory: "/tmp")
    #expect(out.status == 0)
    #expect(out.stdout.contains("Architecture llama"))
    #expect(out.stdout.contains("Parameters   134,515,008 (134.5M)"))
    let layerRows = out.stdout.split(separator: "\n").filter { $0.hasPrefix("  29 ") || $0.hasPrefix("  0 ") }
    #expect(layerRows.count == 2)
  }

  @Test func unknownModelIsOneLineAndNonZero() throws {
    let out = try CommandRunner.eigentone(["inspect", "nobody/no-such-model"], environment: ["HOME": "/nonexistent"])
    #expect(out.status != 0)
    #expect(out.stdout.isEmpty)
    let lines = out.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(out.stderr.contains("model not found; looked in:"))
    #expect(out.stderr.contains("/nonexistent/.cache/huggingface/hub/models--nobody--no-such-model"))
  }

  @Test(arguments: [
    ("truncated.safetensors", 1000),
    ("garbage.safetensors", -1),
    ("truncated.gguf", 5000),
  ])
  func badFilesAreOneLineErrors(_ c: (String, Int)) throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let source = c.0.hasSuffix("gguf") ? Repository.smolLM2 : Repository.miniLM + "/model.safetensors"
    let bytes: [UInt8]
    if c.1 < 0 {
      bytes = Array("this is not a model file at all".utf8)
    } else {
      let handle = try #require(FileHandle(forReadingAtPath: source))
      bytes = Array(handle.readData(ofLength: c.1))
    }
    let path = dir.write(c.0, bytes: bytes)
    let out = try CommandRunner.eigentone(["inspect", path])
    #expect(out.status != 0)
    #expect(out.stdout.isEmpty)
    #expect(out.stderr.split(separator: "\n").count == 1)
    #expect(out.stderr.contains(path))
  }
}
