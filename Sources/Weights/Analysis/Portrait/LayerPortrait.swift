/// Per-layer aggregates that composers read.
public struct LayerPortrait: Sendable, Hashable, Codable {
  /// The block index as numbered in the file.
  public var layer: Int
  /// Roles with a weight matrix in this layer.
  public var roles: [String]
  /// √(Σ ‖W‖²_F) over q, k, v, o.
  public var attention_frobenius: Double?
  /// √(Σ ‖W‖²_F) over gate, up, down.
  public var mlp_frobenius: Double?
  /// Attention-vs-MLP Frobenius ratio.
  public var tension: Double?
  /// Means over the layer's matrices (those with a value).
  public var mean_alpha: Double?
  public var mean_stable_rank: Double?
  public var mean_log_norm: Double?
  public var mean_log_spectral_norm: Double?
  public var mean_kurtosis: Double?
  public var mean_entropy: Double?
  /// Per role: Wasserstein-1 distance between the distributions of log₁₀ σ of this layer's and
  /// the previous layer's matrix (absent for the first layer and for roles the previous layer
  /// lacks). 0 means identical spectra.
  public var spectral_distance: [String: Double]
  /// Mean of `spectral_distance` over roles.
  public var mean_spectral_distance: Double?
  /// Per norm role: the mean effective gain.
  public var norm_gains: [String: Double]
  /// Matrices that carry a WeightWatcher warning.
  public var warnings: [String]
}
