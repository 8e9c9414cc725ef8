#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// WeightWatcher's per-matrix metrics computed from the eigenvalues λ = σ² of WᵀW (no 1/N),
/// with WeightWatcher's definitions (`apply_norm_metrics`, `RMT_Util`).
public struct SpectralMetrics: Sendable, Hashable, Codable {
  /// log10 Σλ (the squared Frobenius norm).
  public var logNorm: Double
  /// log10 λ_max.
  public var logSpectralNorm: Double
  /// Σλ / λ_max.
  public var stableRank: Double
  /// Number of singular values above the rank tolerance.
  public var matrixRank: Int
  /// −Σ p ln p / ln(rank + ε) with p = λ/Σλ + ε, ε = 10⁻¹⁰, as WeightWatcher 0.7.7 computes it
  /// (about 1 for a flat spectrum, near 0 for rank one).
  public var entropy: Double
  /// λ_max.
  public var spectralNorm: Double
  /// Σλ.
  public var norm: Double
  public var powerLaw: PowerLawFit?
  public var marchenkoPastur: MarchenkoPasturFit?

  /// α·log10 λ_max ("alpha-hat"), or `nil` without a fit.
  public var alphaWeighted: Double? { powerLaw.map { $0.alpha * logSpectralNorm } }

  /// log10 Σ λ^α (the Schatten α-norm), or `nil` without a fit.
  public var logAlphaNorm: Double?

  /// - Parameters:
  ///   - eigenvalues: λ, any order, negatives from rounding already clamped to 0.
  ///   - rows, cols: the matrix shape.
  ///   - rankTolerance: relative tolerance on σ/σ_max for ``matrixRank``. WeightWatcher (and
  ///     numpy) use `max(rows, cols) · ε` with singular values from an SVD; the Gram route
  ///     cannot resolve σ below about `√(n ε) · σ_max`, so it passes that instead.
  ///   - minimumTailSize: passed to ``PowerLawFit``.
  public init(eigenvalues: [Double], rows: Int, cols: Int, rankTolerance: Double, minimumTailSize: Int = 1) {
    let lambdaMax = eigenvalues.max() ?? 0
    let total = eigenvalues.reduce(0, +)
    norm = total
    spectralNorm = lambdaMax
    logNorm = log10(total)
    logSpectralNorm = log10(lambdaMax)
    stableRank = lambdaMax > 0 ? total / lambdaMax : 0
    let sigmaMax = lambdaMax.squareRoot()
    let rank = eigenvalues.filter { $0.squareRoot() > sigmaMax * rankTolerance }.count
    matrixRank = rank
    let epsilon = 1e-10
    var h = 0.0
    if total > 0 {
      for l in eigenvalues {
        let p = l / total + epsilon
        h -= p * log(p)
      }
    }
    entropy = h / log(Double(rank) + epsilon)
    let fit = PowerLawFit(eigenvalues: eigenvalues, minimumTailSize: minimumTailSize)
    powerLaw = fit
    if let fit {
      let s = eigenvalues.reduce(0.0) { $0 + pow($1, fit.alpha) }
      logAlphaNorm = log10(s)
    }
    marchenkoPastur = MarchenkoPasturFit(eigenvalues: eigenvalues, rows: rows, cols: cols)
  }

  enum CodingKeys: String, CodingKey {
    case entropy, norm, powerLaw, marchenkoPastur
    case logNorm = "log_norm"
    case logSpectralNorm = "log_spectral_norm"
    case stableRank = "stable_rank"
    case matrixRank = "matrix_rank"
    case spectralNorm = "spectral_norm"
    case logAlphaNorm = "log_alpha_norm"
  }
}
