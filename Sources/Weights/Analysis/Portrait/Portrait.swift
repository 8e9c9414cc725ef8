/// Everything Eigentone measures on a model: one entry per weight matrix (`tensors`), per
/// vector (`vectors`), per layer (`layers`), and the model-level `summary`. Codable; the JSON
/// written by `eigentone analyze --json` is this struct with its snake_case keys.
public struct Portrait: Sendable, Hashable, Codable {
  /// Bumped whenever what is measured changes, so old cached portraits are not reused (2: wide
  /// matrices' Gram accumulated by bands of columns, which rounds differently).
  public static let schemaVersion = 2

  public var schemaVersion: Int
  public var model: String
  public var format: String
  public var method: String
  public var minimumTailSize: Int
  public var tensors: [MatrixAnalysis]
  public var vectors: [VectorAnalysis]
  public var layers: [LayerPortrait]
  public var summary: ModelSummary

  /// The matrix entry called `name`.
  public func matrix(_ name: String) -> MatrixAnalysis? { tensors.first { $0.name == name } }

  /// The matrix with `role` in `layer`.
  public func matrix(role: String, layer: Int?) -> MatrixAnalysis? {
    tensors.first { $0.role == role && $0.layer == layer }
  }

  enum CodingKeys: String, CodingKey {
    case model, format, method, tensors, vectors, layers, summary
    case schemaVersion = "schema_version"
    case minimumTailSize = "minimum_tail_size"
  }
}
