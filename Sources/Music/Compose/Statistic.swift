public import Anatomy

/// A statistic a preset's mapping reads (`from:`), parsed when the preset is loaded so a
/// misspelt name is an error naming the file and line, not a silent zero.
///
/// Written in presets as a layer aggregate (`tension`, `mean_alpha`, `spectral_distance`, …),
/// as `role.statistic` for one number of a layer's matrix (`attn.v.kurtosis`,
/// `attn.q.sv_ratio`), or as `role.vector` for a series (`mlp.down.row_norms`).
public enum Statistic: Sendable, Hashable, CustomStringConvertible {
  /// One number per layer, aggregated over its matrices.
  case layer(LayerStatistic)
  /// One number of the layer's matrix playing `Role`.
  case matrix(Role, MatrixStatistic)
  /// A series of the layer's matrix playing `Role`.
  case vector(Role, VectorStatistic)

  /// Per-layer aggregates of a portrait.
  public enum LayerStatistic: String, Sendable, Hashable, CaseIterable {
    /// Attention over MLP Frobenius norm.
    case tension
    case meanAlpha = "mean_alpha"
    case meanStableRank = "mean_stable_rank"
    case meanLogNorm = "mean_log_norm"
    case meanKurtosis = "mean_kurtosis"
    case meanEntropy = "mean_entropy"
    /// Mean Wasserstein-1 distance of each role's log-spectrum to the previous layer's.
    case spectralDistance = "spectral_distance"
    case attentionFrobenius = "attention_frobenius"
    case mlpFrobenius = "mlp_frobenius"
  }

  /// Scalar statistics of one matrix.
  public enum MatrixStatistic: String, Sendable, Hashable, CaseIterable {
    case alpha
    case stableRank = "stable_rank"
    case logNorm = "log_norm"
    case logSpectralNorm = "log_spectral_norm"
    case kurtosis, skewness, std, mean, entropy
    case frobeniusNorm = "frobenius_norm"
    case mpSoftrank = "mp_softrank"
    case numSpikes = "num_spikes"
    /// σ₁/σ₂: how far the top direction stands out.
    case svRatio = "sv_ratio"
  }

  /// Series of one matrix.
  public enum VectorStatistic: String, Sendable, Hashable, CaseIterable {
    case rowNorms = "row_norms"
    case columnNorms = "column_norms"
    case singularValues = "singular_values"
  }

  /// The roles a `role.statistic` may name: the matrices every layer has.
  public static let roles: [Role] = [
    .attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .mlpGate, .mlpUp, .mlpDown,
  ]

  /// Parses a preset's name; nil when it names no statistic.
  public init?(parsing text: String) {
    if let layer = LayerStatistic(rawValue: text) {
      self = .layer(layer)
      return
    }
    guard let dot = text.lastIndex(of: "."), let role = Role(rawValue: String(text[..<dot])), Self.roles.contains(role) else { return nil }
    let name = String(text[text.index(after: dot)...])
    if let m = MatrixStatistic(rawValue: name) {
      self = .matrix(role, m)
    } else if let v = VectorStatistic(rawValue: name) {
      self = .vector(role, v)
    } else {
      return nil
    }
  }

  /// The name presets and provenance use.
  public var description: String {
    switch self {
    case .layer(let s): s.rawValue
    case .matrix(let role, let s): role.rawValue + "." + s.rawValue
    case .vector(let role, let s): role.rawValue + "." + s.rawValue
    }
  }

  /// What a preset may write, for error messages.
  public static var grammar: String {
    "a layer statistic (\(LayerStatistic.allCases.map(\.rawValue).joined(separator: ", "))) or ROLE.STATISTIC with ROLE one of "
      + roles.map(\.rawValue).joined(separator: ", ") + " and STATISTIC one of "
      + (MatrixStatistic.allCases.map(\.rawValue) + VectorStatistic.allCases.map(\.rawValue)).joined(separator: ", ")
  }
}
