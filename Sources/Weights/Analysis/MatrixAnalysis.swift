/// Everything measured on one weight matrix. Encodes with WeightWatcher's column names for the
/// spectral metrics (`alpha`, `alpha_weighted`, `log_norm`, `log_spectral_norm`, `stable_rank`,
/// `entropy`, `matrix_rank`, `num_spikes`, `mp_softrank`, `xmin`, `D`, ...) so WeightWatcher
/// notebooks can read a portrait. Metrics that cannot be computed (no power-law tail, a zero
/// matrix) are `null`.
public struct MatrixAnalysis: Sendable, Hashable, Codable {
  public var name: String
  /// The stored tensor (differs from `name` for slices of fused tensors).
  public var tensor: String
  public var role: String
  public var layer: Int?
  /// `[outputs, inputs]`.
  public var shape: [Int]
  public var dtype: String
  /// `[start, end)` output features of a fused tensor, when this is a slice.
  public var outputs: [Int]?

  /// Singular values, descending.
  public var singular_values: [Double]
  /// L2 norm of each output neuron's weights (rows of `[out, in]`).
  public var row_norms: [Double]
  /// L2 norm of each input feature's weights (columns of `[out, in]`).
  public var column_norms: [Double]
  public var frobenius_norm: Double

  public var mean: Double
  public var std: Double
  public var skewness: Double
  /// Excess kurtosis (0 for a Gaussian).
  public var kurtosis: Double
  public var min: Double
  public var max: Double
  /// Fraction of entries with |x| below 10⁻³ of the root-mean-square value.
  public var near_zero_fraction: Double
  public var histogram: Histogram
  public var nan_count: Int
  public var inf_count: Int
  /// True when the tensor holds NaN or Inf (they are excluded from the statistics and read as
  /// 0 for the spectrum).
  public var flagged: Bool

  // WeightWatcher's columns.
  public var N: Int
  public var M: Int
  public var Q: Double
  public var num_evals: Int
  public var norm: Double?
  public var log_norm: Double?
  public var spectral_norm: Double?
  public var log_spectral_norm: Double?
  public var stable_rank: Double?
  public var matrix_rank: Int
  public var entropy: Double?
  public var alpha: Double?
  public var alpha_weighted: Double?
  public var log_alpha_norm: Double?
  public var xmin: Double?
  public var xmax: Double?
  public var D: Double?
  public var sigma: Double?
  public var num_pl_spikes: Int?
  public var num_spikes: Int?
  public var mp_softrank: Double?
  public var sigma_mp: Double?
  public var bulk_max: Double?
  /// `over-trained` (α < 2), `under-trained` (α > 6), or `null`.
  public var warning: String?
}
