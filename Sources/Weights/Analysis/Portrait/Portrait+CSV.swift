import Anatomy

extension Portrait {
  /// The columns of ``csv()``, in order: identity and shape, then WeightWatcher's columns under
  /// WeightWatcher's names (what its `analyze()` data frame holds), then the entry statistics.
  public static let csvColumns = [
    "name", "tensor", "role", "layer", "rows", "cols", "dtype",
    "N", "M", "Q", "num_evals", "norm", "log_norm", "spectral_norm", "log_spectral_norm", "stable_rank", "matrix_rank",
    "entropy", "alpha", "alpha_weighted", "log_alpha_norm", "xmin", "xmax", "D", "sigma", "num_pl_spikes", "num_spikes",
    "mp_softrank", "sigma_mp", "bulk_max", "warning",
    "frobenius_norm", "mean", "std", "skewness", "kurtosis", "min", "max", "near_zero_fraction", "nan_count", "inf_count",
    "flagged",
  ]

  /// The matrices in reading order: model-level ones first, then layer by layer in numeric
  /// order (files list `h.10` before `h.2`), roles in canonical order within a layer, then name.
  public var tensorsInLayerOrder: [MatrixAnalysis] {
    let rank = { (m: MatrixAnalysis) in (m.layer ?? -1, Role.allCases.firstIndex { $0.rawValue == m.role } ?? Role.allCases.count) }
    return tensors.sorted { (rank($0).0, rank($0).1, $0.name) < (rank($1).0, rank($1).1, $1.name) }
  }

  /// One row per matrix (RFC 4180: a header line, CRLF line ends, fields quoted when they hold a
  /// comma, quote or line break), in ``tensorsInLayerOrder``, with the columns of
  /// ``csvColumns``. Numbers are written in their shortest form that reads back to the same
  /// `Double`; a metric that could not be computed is an empty field (`NaN` in pandas).
  /// `pandas.read_csv` reads it as WeightWatcher's `analyze()` table plus Eigentone's columns.
  public func csv() -> String {
    var out = Self.csvColumns.joined(separator: ",") + "\r\n"
    for m in tensorsInLayerOrder {
      let fields: [String?] = [
        m.name, m.tensor, m.role, m.layer.map(String.init), m.shape.first.map(String.init), m.shape.last.map(String.init), m.dtype,
        "\(m.N)", "\(m.M)", number(m.Q), "\(m.numEvals)", number(m.norm), number(m.logNorm), number(m.spectralNorm),
        number(m.logSpectralNorm), number(m.stableRank), "\(m.matrixRank)", number(m.entropy), number(m.alpha),
        number(m.alphaWeighted), number(m.logAlphaNorm), number(m.xmin), number(m.xmax), number(m.D), number(m.sigma),
        m.numPlSpikes.map(String.init), m.numSpikes.map(String.init), number(m.mpSoftrank), number(m.sigmaMp),
        number(m.bulkMax), m.warning,
        number(m.frobeniusNorm), number(m.mean), number(m.std), number(m.skewness), number(m.kurtosis), number(m.min),
        number(m.max), number(m.nearZeroFraction), "\(m.nanCount)", "\(m.infCount)", m.flagged ? "true" : "false",
      ]
      out += fields.map { Self.csvField($0 ?? "") }.joined(separator: ",") + "\r\n"
    }
    return out
  }

  /// A field as RFC 4180 writes it: quoted, with quotes doubled, when it holds `,` `"` CR or LF.
  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
  }

  private func number(_ x: Double?) -> String? {
    guard let x, x.isFinite else { return nil }
    return "\(x)"
  }
}
