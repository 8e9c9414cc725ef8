public import Checkpoint

/// What `eigentone inspect` reports: the architecture, sizes, dtypes and every tensor's role.
/// Built from headers only. Encodes to the documented JSON (snake_case keys).
public struct ModelReport: Sendable, Encodable {
  public struct Tensor: Sendable, Encodable {
    public var name: String
    public var dtype: String
    public var shape: [Int]
    public var role: String
    public var layer: Int?
    public var parameter: String
    public var layout: String
    public var file: String
  }

  public struct Layer: Sendable, Encodable {
    public struct Slice: Sendable, Encodable {
      public var role: String
      public var parameter: String
      public var tensor: String
      /// `[start, end)` output features for slices of fused tensors.
      public var outputs: [Int]?
      public var fused_from: String?
    }
    public var layer: Int
    public var roles: [Slice]
  }

  public var model: String
  public var format: String
  public var files: [String]
  public var architecture: String
  public var family: String
  public var layer_count: Int
  public var hidden_size: Int?
  public var head_count: Int?
  public var kv_head_count: Int?
  public var head_dim: Int?
  public var intermediate_size: Int?
  public var vocab_size: Int?
  public var context_length: Int?
  public var parameter_count: Int
  public var data_bytes: Int
  /// Tensor count per dtype name.
  public var dtypes: [String: Int]
  public var norm_gain_offset: Float
  public var tied_embeddings: Bool
  public var tensors: [Tensor]
  public var layers: [Layer]
  public var unmapped: [String]
  public var buffers: [String]
  public var warnings: [String]
  /// Scalar metadata (GGUF keys or safetensors `__metadata__`); arrays are summarised by length.
  public var metadata: [String: MetadataValue]

  public init(checkpoint: Checkpoint, anatomy: Anatomy) {
    let hp = anatomy.hyperparameters
    model = checkpoint.location
    format = checkpoint.format.rawValue
    files = checkpoint.files.map(\.path)
    architecture = anatomy.architecture
    family = anatomy.family.rawValue
    layer_count = hp.layerCount
    hidden_size = hp.hiddenSize
    head_count = hp.headCount
    kv_head_count = hp.keyValueHeadCount
    head_dim = hp.headDimension
    intermediate_size = hp.intermediateSize
    vocab_size = hp.vocabularySize
    context_length = hp.contextLength
    parameter_count = anatomy.parameterCount
    data_bytes = checkpoint.byteCount
    var counts: [String: Int] = [:]
    for t in checkpoint.tensors { counts[t.dtype.rawValue, default: 0] += 1 }
    dtypes = counts
    norm_gain_offset = anatomy.normGainOffset
    tied_embeddings = anatomy.tiedEmbeddings
    tensors = zip(checkpoint.tensors, anatomy.assignments).map { t, a in
      Tensor(
        name: t.name, dtype: t.dtype.rawValue, shape: t.shape, role: a.role.rawValue, layer: a.layer,
        parameter: a.parameter.rawValue, layout: a.layout.rawValue, file: checkpoint.files[t.fileIndex].path)
    }
    layers = anatomy.layers.map { layer in
      Layer(
        layer: layer.index,
        roles: layer.slices.map { s in
          Layer.Slice(
            role: s.role.rawValue, parameter: s.parameter.rawValue, tensor: s.tensor,
            outputs: s.outputs.map { [$0.lowerBound, $0.upperBound] }, fused_from: s.fusedFrom?.rawValue)
        })
    }
    unmapped = anatomy.unmapped
    buffers = anatomy.buffers
    warnings = anatomy.warnings
    var meta: [String: MetadataValue] = [:]
    for (key, value) in checkpoint.metadata {
      if case .array(let items) = value, items.count > 16 {
        meta[key] = .string("[\(items.count) values]")
      } else {
        meta[key] = value
      }
    }
    metadata = meta
  }
}
