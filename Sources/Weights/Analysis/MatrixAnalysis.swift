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
  public var singularValues: [Double]
  /// L2 norm of each output neuron's weights (rows of `[out, in]`).
  public var rowNorms: [Double]
  /// L2 norm of each input feature's weights (columns of `[out, in]`).
  public var columnNorms: [Double]
  public var frobeniusNorm: Double

  public var mean: Double
  public var std: Double
  public var skewness: Double
  /// Excess kurtosis (0 for a Gaussian).
  public var kurtosis: Double
  public var min: Double
  public var max: Double
  /// Fraction of entries with |x| below 10⁻³ of the root-mean-square value.
  public var nearZeroFraction: Double
  public var histogram: Histogram
  public var nanCount: Int
  public var infCount: Int
  /// True when the tensor holds NaN or Inf (they are excluded from the statistics and read as
  /// 0 for the spectrum).
  public var flagged: Bool

  // WeightWatcher's columns.
  public var N: Int
  public var M: Int
  public var Q: Double
  public var numEvals: Int
  public var norm: Double?
  public var logNorm: Double?
  public var spectralNorm: Double?
  public var logSpectralNorm: Double?
  public var stableRank: Double?
  public var matrixRank: Int
  public var entropy: Double?
  public var alpha: Double?
  public var alphaWeighted: Double?
  public var logAlphaNorm: Double?
  public var xmin: Double?
  public var xmax: Double?
  public var D: Double?
  public var sigma: Double?
  public var numPlSpikes: Int?
  public var numSpikes: Int?
  public var mpSoftrank: Double?
  public var sigmaMp: Double?
  public var bulkMax: Double?
  /// `over-trained` (α < 2), `under-trained` (α > 6), or `null`.
  public var warning: String?

  enum CodingKeys: String, CodingKey {
    case name, tensor, role, layer, shape, dtype, outputs, mean, std, skewness, kurtosis, min, max, histogram, flagged, N, M, Q, norm, entropy, alpha, xmin, xmax, D, sigma, warning
    case singularValues = "singular_values"
    case rowNorms = "row_norms"
    case columnNorms = "column_norms"
    case frobeniusNorm = "frobenius_norm"
    case nearZeroFraction = "near_zero_fraction"
    case nanCount = "nan_count"
    case infCount = "inf_count"
    case numEvals = "num_evals"
    case logNorm = "log_norm"
    case spectralNorm = "spectral_norm"
    case logSpectralNorm = "log_spectral_norm"
    case stableRank = "stable_rank"
    case matrixRank = "matrix_rank"
    case alphaWeighted = "alpha_weighted"
    case logAlphaNorm = "log_alpha_norm"
    case numPlSpikes = "num_pl_spikes"
    case numSpikes = "num_spikes"
    case mpSoftrank = "mp_softrank"
    case sigmaMp = "sigma_mp"
    case bulkMax = "bulk_max"
  }
}
