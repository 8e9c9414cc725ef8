/// Model-level results.
public struct ModelSummary: Sendable, Hashable, Codable {
  public var architecture: String
  public var family: String
  public var layerCount: Int
  public var hiddenSize: Int?
  public var parameterCount: Int
  /// The analysed token embedding (its entry in `tensors`), whatever its size.
  public var embedding: String?
  /// exp(spectral entropy in nats) of the token embedding: how many directions it really uses.
  public var embeddingEffectiveRank: Double?
  public var embeddingStableRank: Double?
  /// WeightWatcher's `get_summary`: plain means over all analysed matrices.
  public var logNorm: Double?
  public var alpha: Double?
  public var alphaWeighted: Double?
  public var logAlphaNorm: Double?
  public var logSpectralNorm: Double?
  public var stableRank: Double?
  public var mpSoftrank: Double?
  public var suggestedKey: KeySuggestion
  public var matrixCount: Int
  public var warnings: [String]

  enum CodingKeys: String, CodingKey {
    case architecture, family, embedding, alpha, warnings
    case layerCount = "layer_count"
    case hiddenSize = "hidden_size"
    case parameterCount = "parameter_count"
    case embeddingEffectiveRank = "embedding_effective_rank"
    case embeddingStableRank = "embedding_stable_rank"
    case logNorm = "log_norm"
    case alphaWeighted = "alpha_weighted"
    case logAlphaNorm = "log_alpha_norm"
    case logSpectralNorm = "log_spectral_norm"
    case stableRank = "stable_rank"
    case mpSoftrank = "mp_softrank"
    case suggestedKey = "suggested_key"
    case matrixCount = "matrix_count"
  }
}
