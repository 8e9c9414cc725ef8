/// Sharded safetensors checkpoints: `model.safetensors.index.json` maps each tensor name to the
/// shard file that holds it (`{"metadata": {...}, "weight_map": {"name": "model-00001-of-00002.safetensors"}}`).
extension Checkpoint {
  /// Opens every shard named by the index at `indexPath` and checks the index against them:
  /// every shard exists and parses, every tensor is in the shard the map names, no tensor is in
  /// two shards. Tensors a shard holds that the index does not list are kept, with a warning.
  public static func openSharded(
    index indexPath: String, config: JSONValue? = nil
  ) throws(CheckpointError) -> Checkpoint {
    func fail(_ reason: CheckpointError.Reason, tensor: String? = nil) -> CheckpointError {
      CheckpointError(file: indexPath, tensor: tensor, reason: reason)
    }
    let indexFile = try MappedFile(path: indexPath)
    let json: JSONValue
    do {
      json = try JSONParser.parse(indexFile.bytes)
    } catch {
      throw fail(.invalidIndex(error.description))
    }
    guard let weightMap = json["weight_map"]?.objectValue else {
      throw fail(.invalidIndex("no \"weight_map\" object"))
    }
    let directory = Path.directory(of: indexPath)
    var shardNames: [String] = []
    var expected: [String: String] = [:]
    for name in weightMap.keys {
      guard let shard = weightMap[name]?.stringValue else {
        throw fail(.invalidIndex("shard of \"\(name)\" is not a string"), tensor: name)
      }
      guard !shard.isEmpty, !shard.hasPrefix("/"), !shard.split(separator: "/").contains("..") else {
        throw fail(.invalidIndex("shard path \"\(shard)\" leaves the checkpoint's directory"), tensor: name)
      }
      if !shardNames.contains(shard) { shardNames.append(shard) }
      expected[name] = shard
    }
    return try assemble(
      shards: shardNames.map { Path.join(directory, $0) }, location: indexPath, expected: expected,
      config: config)
  }

  /// Opens shards that have no index (`model-00001-of-00002.safetensors`, ...): their tensors
  /// are merged, and a tensor found in two shards is an error.
  public static func openShards(
    _ paths: [String], location: String, config: JSONValue? = nil
  ) throws(CheckpointError) -> Checkpoint {
    try assemble(shards: paths, location: location, expected: nil, config: config)
  }

  private static func assemble(
    shards: [String], location: String, expected: [String: String]?, config: JSONValue?
  ) throws(CheckpointError) -> Checkpoint {
    var files: [MappedFile] = []
    var tensors: [TensorInfo] = []
    var owner: [String: String] = [:]
    var metadata: [String: MetadataValue] = [:]
    var warnings: [String] = []
    for (fileIndex, path) in shards.enumerated() {
      guard Path.isRegularFile(path) else {
        throw CheckpointError(file: location, reason: .shardMissing(Path.lastComponent(path)))
      }
      let file = try MappedFile(path: path)
      let header = try SafetensorsHeader.parse(file.bytes, path: path, fileIndex: fileIndex)
      let shardName = Path.lastComponent(path)
      for tensor in header.tensors {
        if let first = owner[tensor.name] {
          throw CheckpointError(file: location, tensor: tensor.name, reason: .tensorInTwoShards(first, shardName))
        }
        owner[tensor.name] = shardName
        if let expected, expected[tensor.name] == nil {
          warnings.append("tensor \"\(tensor.name)\" is in \(shardName) but not in the index")
        } else if let expected, let named = expected[tensor.name], Path.lastComponent(named) != shardName {
          throw CheckpointError(file: location, tensor: tensor.name, reason: .tensorMissingFromShard(shard: named))
        }
        tensors.append(tensor)
      }
      for (key, value) in header.metadata { metadata[key] = .string(value) }
      files.append(file)
    }
    if let expected {
      for name in expected.keys.sorted() where owner[name] == nil {
        throw CheckpointError(file: location, tensor: name, reason: .tensorMissingFromShard(shard: expected[name] ?? ""))
      }
    }
    return Checkpoint(
      format: .safetensors, location: location, files: files, tensors: tensors, metadata: metadata,
      config: config, warnings: warnings)
  }
}
