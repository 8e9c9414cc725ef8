import Checkpoint
import Testing
import _TestSupport

@Suite("sharded safetensors")
struct ShardedTests {
  static func shard(_ names: [String]) -> SafetensorsWriter {
    SafetensorsWriter(entries: names.map { .init(name: $0, shape: [2], floats: [1, 2]) })
  }

  /// Writes two shards holding a, b and c, d, and an index (possibly edited).
  static func make(_ dir: TemporaryDirectory, index: [String: String]? = nil) throws -> String {
    try shard(["a", "b"]).write(to: dir.file("model-00001-of-00002.safetensors"))
    try shard(["c", "d"]).write(to: dir.file("model-00002-of-00002.safetensors"))
    let map =
      index ?? [
        "a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
        "c": "model-00002-of-00002.safetensors", "d": "model-00002-of-00002.safetensors",
      ]
    let body = map.keys.sorted().map { "\"\($0)\": \"\(map[$0] ?? "")\"" }.joined(separator: ", ")
    return dir.write("model.safetensors.index.json", text: "{\"metadata\": {\"total_size\": 32}, \"weight_map\": {\(body)}}")
  }

  @Test func opensEveryShard() throws {
    let dir = TemporaryDirectory()
    let index = try Self.make(dir)
    let c = try Checkpoint.openSharded(index: index)
    #expect(c.files.count == 2)
    #expect(c.tensors.map(\.name) == ["a", "b", "c", "d"])
    #expect(try c.decode(named: "d") == [1, 2])
    #expect(c.warnings.isEmpty)
    // The folder resolves to the same checkpoint.
    let viaFolder = try ModelResolver(environment: [:]).open(dir.path)
    #expect(viaFolder.tensors.count == 4)
  }

  @Test func missingShard() throws {
    let dir = TemporaryDirectory()
    let index = try Self.make(dir, index: ["a": "model-00001-of-00002.safetensors", "x": "model-00003-of-00003.safetensors"])
    #expect(throws: CheckpointError(file: index, reason: .shardMissing("model-00003-of-00003.safetensors"))) {
      try Checkpoint.openSharded(index: index)
    }
  }

  @Test func tensorInTheWrongShard() throws {
    let dir = TemporaryDirectory()
    let index = try Self.make(
      dir,
      index: [
        "a": "model-00002-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
        "c": "model-00002-of-00002.safetensors", "d": "model-00002-of-00002.safetensors",
      ])
    #expect(throws: CheckpointError(file: index, tensor: "a", reason: .tensorMissingFromShard(shard: "model-00002-of-00002.safetensors"))) {
      try Checkpoint.openSharded(index: index)
    }
  }

  @Test func indexNamesATensorNoShardHolds() throws {
    let dir = TemporaryDirectory()
    var map = [
      "a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
      "c": "model-00002-of-00002.safetensors", "d": "model-00002-of-00002.safetensors",
    ]
    map["ghost"] = "model-00002-of-00002.safetensors"
    let index = try Self.make(dir, index: map)
    #expect(throws: CheckpointError(file: index, tensor: "ghost", reason: .tensorMissingFromShard(shard: "model-00002-of-00002.safetensors"))) {
      try Checkpoint.openSharded(index: index)
    }
  }

  @Test func tensorInTwoShards() throws {
    let dir = TemporaryDirectory()
    try Self.shard(["a", "b"]).write(to: dir.file("model-00001-of-00002.safetensors"))
    try Self.shard(["b", "c"]).write(to: dir.file("model-00002-of-00002.safetensors"))
    let index = dir.write(
      "model.safetensors.index.json",
      text: """
        {"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}}
        """)
    #expect(throws: CheckpointError(file: index, tensor: "b", reason: .tensorInTwoShards("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"))) {
      try Checkpoint.openSharded(index: index)
    }
  }

  @Test func tensorMissingFromIndexIsAWarning() throws {
    let dir = TemporaryDirectory()
    let index = try Self.make(
      dir,
      index: [
        "a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
        "c": "model-00002-of-00002.safetensors",
      ])
    let c = try Checkpoint.openSharded(index: index)
    #expect(c.tensors.count == 4)
    #expect(c.warnings == ["tensor \"d\" is in model-00002-of-00002.safetensors but not in the index"])
  }

  @Test(arguments: [
    "{}", "[]", "{\"weight_map\": []}", "{\"weight_map\": {\"a\": 3}}", "{\"weight_map\": {\"a\": \"../x.safetensors\"}}",
    "{\"weight_map\": {\"a\": \"/etc/passwd\"}}", "not json",
  ])
  func invalidIndex(_ text: String) {
    let dir = TemporaryDirectory()
    let index = dir.write("model.safetensors.index.json", text: text)
    #expect(throws: CheckpointError.self) { try Checkpoint.openSharded(index: index) }
  }

  @Test func shardsWithoutAnIndex() throws {
    let dir = TemporaryDirectory()
    try Self.shard(["a"]).write(to: dir.file("model-00001-of-00002.safetensors"))
    try Self.shard(["b"]).write(to: dir.file("model-00002-of-00002.safetensors"))
    let c = try ModelResolver(environment: [:]).open(dir.path)
    #expect(c.tensors.map(\.name) == ["a", "b"])
  }

  @Test func corruptShardNamesItsFile() throws {
    let dir = TemporaryDirectory()
    let index = try Self.make(dir)
    dir.write("model-00002-of-00002.safetensors", bytes: [1, 2, 3])
    do throws(CheckpointError) {
      _ = try Checkpoint.openSharded(index: index)
      Issue.record("expected an error")
    } catch {
      #expect(error.file.hasSuffix("model-00002-of-00002.safetensors"))
      #expect(error.reason == .headerTooSmall(fileSize: 3))
    }
  }
}
