/// Per-layer aggregates that composers read.
public struct LayerPortrait: Sendable, Hashable, Codable {
  /// The block index as numbered in the file.
  public var layer: Int
  /// Roles with a weight matrix in this layer.
  public var roles: [String]
  /// √(Σ ‖W‖²_F) over q, k, v, o.
  public var attentionFrobenius: Double?
  /// √(Σ ‖W‖²_F) over gate, up, down.
  public var mlpFrobenius: Double?
  /// Attention-vs-MLP Frobenius ratio.
  public var tension: Double?
  /// Means over the layer's matrices (those with a value).
  public var meanAlpha: Double?
  public var meanStableRank: Double?
  public var meanLogNorm: Double?
  public var meanLogSpectralNorm: Double?
  public var meanKurtosis: Double?
  public var meanEntropy: Double?
  /// Per role: Wasserstein-1 distance between the distributions of log₁₀ σ of this layer's and
  /// the previous layer's matrix (absent for the first layer and for roles the previous layer
  /// lacks). 0 means identical spectra.
  public var spectralDistance: [String: Double]
  /// Mean of `spectral_distance` over roles.
  public var meanSpectralDistance: Double?
  /// Per norm role: the mean effective gain.
  public var normGains: [String: Double]
  /// Matrices that carry a WeightWatcher warning.
  public var warnings: [String]

  enum CodingKeys: String, CodingKey {
    case layer, roles, tension, warnings
    case attentionFrobenius = "attention_frobenius"
    case mlpFrobenius = "mlp_frobenius"
    case meanAlpha = "mean_alpha"
    case meanStableRank = "mean_stable_rank"
    case meanLogNorm = "mean_log_norm"
    case meanLogSpectralNorm = "mean_log_spectral_norm"
    case meanKurtosis = "mean_kurtosis"
    case meanEntropy = "mean_entropy"
    case spectralDistance = "spectral_distance"
    case meanSpectralDistance = "mean_spectral_distance"
    case normGains = "norm_gains"
  }
}
