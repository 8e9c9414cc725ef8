/// A model's weights as stored on disk: one or more memory-mapped files and the validated list
/// of their tensors. Opening reads headers only, so it is instant whatever the file size;
/// tensor values are decoded on demand (see `Checkpoint+Decode.swift`).
public struct Checkpoint: Sendable {
  /// The container format.
  public enum Format: String, Sendable, Hashable, Codable {
    case safetensors
    case gguf
  }

  public let format: Format
  /// What the user named, resolved: a file, an index or a directory.
  public let location: String
  /// The mapped files; ``TensorInfo/fileIndex`` indexes this array.
  public let files: [MappedFile]
  /// Every tensor, in file order (shard by shard).
  public let tensors: [TensorInfo]
  /// File metadata: safetensors `__metadata__` strings or GGUF key-value pairs.
  public let metadata: [String: MetadataValue]
  /// `config.json` beside the weights, when there is one.
  public let config: JSONValue?
  /// Oddities worth telling the user that do not stop the model from loading.
  public let warnings: [String]
  private let indexByName: [String: Int]

  public init(
    format: Format, location: String, files: [MappedFile], tensors: [TensorInfo],
    metadata: [String: MetadataValue], config: JSONValue?, warnings: [String] = []
  ) {
    self.format = format
    self.location = location
    self.files = files
    self.tensors = tensors
    self.metadata = metadata
    self.config = config
    self.warnings = warnings
    var index: [String: Int] = [:]
    for (i, t) in tensors.enumerated() where index[t.name] == nil { index[t.name] = i }
    self.indexByName = index
  }

  /// The tensor called `name`, if the checkpoint has one.
  public func tensor(named name: String) -> TensorInfo? {
    indexByName[name].map { tensors[$0] }
  }

  /// Total number of stored values over all tensors.
  public var elementCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }

  /// Total bytes of tensor data.
  public var byteCount: Int { tensors.reduce(0) { $0 + $1.byteRange.count } }
}

extension Checkpoint {
  /// Opens a single `.safetensors` file (header only).
  public static func openSafetensors(
    at path: String, config: JSONValue? = nil
  ) throws(CheckpointError) -> Checkpoint {
    let file = try MappedFile(path: path)
    let header = try SafetensorsHeader.parse(file.bytes, path: path)
    return Checkpoint(
      format: .safetensors, location: path, files: [file], tensors: header.tensors,
      metadata: header.metadata.mapValues { .string($0) }, config: config)
  }

  /// Opens a `.gguf` file (header only).
  public static func openGGUF(at path: String, config: JSONValue? = nil) throws(CheckpointError) -> Checkpoint {
    let file = try MappedFile(path: path)
    let header = try GGUFHeader.parse(file.bytes, path: path)
    return Checkpoint(
      format: .gguf, location: path, files: [file], tensors: header.tensors,
      metadata: header.metadata, config: config)
  }
}
