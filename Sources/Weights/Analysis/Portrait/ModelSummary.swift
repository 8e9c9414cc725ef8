/// Model-level results.
public struct ModelSummary: Sendable, Hashable, Codable {
  public var architecture: String
  public var family: String
  public var layer_count: Int
  public var hidden_size: Int?
  public var parameter_count: Int
  /// The analysed token embedding (its entry in `tensors`), whatever its size.
  public var embedding: String?
  /// exp(spectral entropy in nats) of the token embedding: how many directions it really uses.
  public var embedding_effective_rank: Double?
  public var embedding_stable_rank: Double?
  /// WeightWatcher's `get_summary`: plain means over all analysed matrices.
  public var log_norm: Double?
  public var alpha: Double?
  public var alpha_weighted: Double?
  public var log_alpha_norm: Double?
  public var log_spectral_norm: Double?
  public var stable_rank: Double?
  public var mp_softrank: Double?
  public var suggested_key: KeySuggestion
  public var matrix_count: Int
  public var warnings: [String]
}
