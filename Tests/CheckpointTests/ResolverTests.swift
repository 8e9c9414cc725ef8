import Checkpoint
import Foundation
import Testing
import _TestSupport

@Suite("model resolution")
struct ResolverTests {
  static func tiny(_ dir: TemporaryDirectory, _ name: String = "model.safetensors") throws -> String {
    let path = dir.file(name)
    try SafetensorsWriter(entries: [.init(name: "w", shape: [1], floats: [1])]).write(to: path)
    return path
  }

  @Test func fileAndFolder() throws {
    let dir = TemporaryDirectory()
    let path = try Self.tiny(dir)
    dir.write("config.json", text: #"{"model_type": "llama"}"#)
    let r = ModelResolver(environment: [:])
    #expect(try r.open(path).tensors.count == 1)
    #expect(try r.open(path).config?["model_type"]?.stringValue == "llama")
    #expect(try r.open(dir.path).location == path)
  }

  @Test func ggufInAFolder() throws {
    let dir = TemporaryDirectory()
    var b = GGUFBuilder()
    b.addF32("token_embd.weight", shape: [2, 2], values: [1, 2, 3, 4])
    dir.write("m.gguf", bytes: b.bytes())
    let c = try ModelResolver(environment: [:]).open(dir.path)
    #expect(c.format == .gguf)
  }

  @Test func severalCandidatesAreAmbiguous() throws {
    let dir = TemporaryDirectory()
    _ = try Self.tiny(dir, "a.safetensors")
    _ = try Self.tiny(dir, "b.safetensors")
    #expect(throws: CheckpointError(file: dir.path, reason: .ambiguous(["a.safetensors", "b.safetensors"]))) {
      try ModelResolver(environment: [:]).open(dir.path)
    }
  }

  /// A Hugging Face cache laid out as huggingface_hub writes it.
  @Test(arguments: ["HF_HUB_CACHE", "HF_HOME", "HOME"])
  func huggingFaceCache(_ variable: String) throws {
    let root = TemporaryDirectory()
    let hub: String
    switch variable {
    case "HF_HUB_CACHE": hub = root.path + "/custom"
    case "HF_HOME": hub = root.path + "/hf/hub"
    default: hub = root.path + "/.cache/huggingface/hub"
    }
    let repo = hub + "/models--google--gemma-3-270m"
    let commit = "0123456789abcdef0123456789abcdef01234567"
    let snapshot = repo + "/snapshots/" + commit
    try FileManager.default.createDirectory(atPath: snapshot, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: repo + "/refs", withIntermediateDirectories: true)
    try (commit + "\n").write(toFile: repo + "/refs/main", atomically: true, encoding: .utf8)
    // huggingface_hub stores blobs separately and links them into the snapshot.
    try FileManager.default.createDirectory(atPath: repo + "/blobs", withIntermediateDirectories: true)
    try SafetensorsWriter(entries: [.init(name: "model.norm.weight", shape: [2], floats: [0, 0])])
      .write(to: repo + "/blobs/abc123")
    try FileManager.default.createSymbolicLink(atPath: snapshot + "/model.safetensors", withDestinationPath: "../../blobs/abc123")
    try #"{"model_type": "gemma3_text"}"#.write(toFile: snapshot + "/config.json", atomically: true, encoding: .utf8)
    let env: [String: String] =
      switch variable {
      case "HF_HUB_CACHE": ["HF_HUB_CACHE": hub]
      case "HF_HOME": ["HF_HOME": root.path + "/hf"]
      default: ["HOME": root.path]
      }
    let c = try ModelResolver(environment: env).open("google/gemma-3-270m")
    #expect(c.tensors.map(\.name) == ["model.norm.weight"])
    #expect(c.config?["model_type"]?.stringValue == "gemma3_text")
  }

  @Test func bareNamesUnderModelFolders() throws {
    let models = TemporaryDirectory()
    let sub = TemporaryDirectory()
    _ = sub
    try FileManager.default.createDirectory(atPath: models.path + "/tiny", withIntermediateDirectories: true)
    try SafetensorsWriter(entries: [.init(name: "w", shape: [1], floats: [1])]).write(to: models.path + "/tiny/model.safetensors")
    #expect(try ModelResolver(environment: ["EIGENTONE_MODELS": models.path]).open("tiny").tensors.count == 1)
    #expect(try ModelResolver(environment: [:], modelDirectories: [models.path]).open("tiny").tensors.count == 1)
  }

  @Test func notFoundListsWhereItLooked() {
    let r = ModelResolver(environment: ["HF_HUB_CACHE": "/nonexistent/hub", "HOME": "/nonexistent/home"], modelDirectories: ["/nonexistent/models"])
    do throws(CheckpointError) {
      _ = try r.open("someone/some-model")
      Issue.record("expected an error")
    } catch {
      guard case .notFound(let places) = error.reason else {
        Issue.record("wrong reason \(error.reason)")
        return
      }
      #expect(places.contains("someone/some-model"))
      #expect(places.contains("/nonexistent/hub/models--someone--some-model"))
      #expect(places.contains("/nonexistent/home/.cache/huggingface/hub/models--someone--some-model"))
      #expect(!error.description.contains("\n"))
    }
    do throws(CheckpointError) {
      _ = try r.open("tiny")
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("/nonexistent/models/tiny"))
    }
  }
}
