import Foundation
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
      public var fusedFrom: String?

      enum CodingKeys: String, CodingKey {
        case role, parameter, tensor, outputs
        case fusedFrom = "fused_from"
      }
    }
    public var layer: Int
    public var roles: [Slice]
  }

  public var model: String
  public var format: String
  public var files: [String]
  public var architecture: String
  public var family: String
  public var layerCount: Int
  public var hiddenSize: Int?
  public var headCount: Int?
  public var kvHeadCount: Int?
  public var headDim: Int?
  public var intermediateSize: Int?
  public var vocabSize: Int?
  public var contextLength: Int?
  public var parameterCount: Int
  public var dataBytes: Int
  /// Tensor count per dtype name.
  public var dtypes: [String: Int]
  public var normGainOffset: Float
  public var tiedEmbeddings: Bool
  public var tensors: [Tensor]
  public var layers: [Layer]
  public var unmapped: [String]
  public var buffers: [String]
  public var warnings: [String]
  /// Scalar metadata (GGUF keys or safetensors `__metadata__`); arrays are summarised by length.
  public var metadata: [String: MetadataValue]

  /// The licence the file declares (GGUF `general.license`), and the terms file beside it when
  /// there is one (Gemma's terms of use: `GEMMA_TERMS.html`, which scripts/bootstrap installs).
  public var licence: String? {
    guard case .string(let name)? = metadata["general.license"] else { return nil }
    let folder = (files.first.map { ($0 as NSString).deletingLastPathComponent }) ?? "."
    for terms in ["GEMMA_TERMS.html", "LICENSE", "LICENSE.txt"] where FileManager.default.fileExists(atPath: folder + "/" + terms) {
      return "\(name): the terms of use in \(folder)/\(terms) apply"
    }
    return name
  }

  public init(checkpoint: Checkpoint, anatomy: Anatomy) {
    let hp = anatomy.hyperparameters
    model = checkpoint.location
    format = checkpoint.format.rawValue
    files = checkpoint.files.map(\.path)
    architecture = anatomy.architecture
    family = anatomy.family.rawValue
    layerCount = hp.layerCount
    hiddenSize = hp.hiddenSize
    headCount = hp.headCount
    kvHeadCount = hp.keyValueHeadCount
    headDim = hp.headDimension
    intermediateSize = hp.intermediateSize
    vocabSize = hp.vocabularySize
    contextLength = hp.contextLength
    parameterCount = anatomy.parameterCount
    dataBytes = checkpoint.byteCount
    var counts: [String: Int] = [:]
    for t in checkpoint.tensors { counts[t.dtype.rawValue, default: 0] += 1 }
    dtypes = counts
    normGainOffset = anatomy.normGainOffset
    tiedEmbeddings = anatomy.tiedEmbeddings
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
            outputs: s.outputs.map { [$0.lowerBound, $0.upperBound] }, fusedFrom: s.fusedFrom?.rawValue)
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

  enum CodingKeys: String, CodingKey {
    case model, format, files, architecture, family, dtypes, tensors, layers, unmapped, buffers, warnings, metadata
    case layerCount = "layer_count"
    case hiddenSize = "hidden_size"
    case headCount = "head_count"
    case kvHeadCount = "kv_head_count"
    case headDim = "head_dim"
    case intermediateSize = "intermediate_size"
    case vocabSize = "vocab_size"
    case contextLength = "context_length"
    case parameterCount = "parameter_count"
    case dataBytes = "data_bytes"
    case normGainOffset = "norm_gain_offset"
    case tiedEmbeddings = "tied_embeddings"
  }
}
