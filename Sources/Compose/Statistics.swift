public import Analysis
public import Score

/// Reads statistics out of a portrait by the names presets use, with the nearest available
/// role standing in when a model lacks one (BERT has no gate; GPT-2 fuses q, k and v), and
/// keeps the provenance of every value a composer uses.
public struct StatisticReader: Sendable {
  public let portrait: Portrait
  public private(set) var provenance: [Provenance] = []
  private var index: [String: Int] = [:]

  public init(portrait: Portrait) { self.portrait = portrait }

  /// Roles tried in order when `role` is missing.
  static func fallbacks(_ role: String) -> [String] {
    let chains: [[String]] = [
      ["mlp.gate", "mlp.up", "mlp.down"], ["mlp.up", "mlp.gate", "mlp.down"], ["mlp.down", "mlp.up", "mlp.gate"],
      ["attn.q", "attn.k", "attn.v", "attn.o"], ["attn.k", "attn.q", "attn.v", "attn.o"],
      ["attn.v", "attn.o", "attn.k", "attn.q"], ["attn.o", "attn.v", "attn.q", "attn.k"],
    ]
    return chains.first { $0.first == role } ?? [role]
  }

  /// The matrix playing `role` in `layer`, or its nearest stand-in.
  public func matrix(_ role: String, layer: Int) -> MatrixAnalysis? {
    for r in Self.fallbacks(role) {
      if let m = portrait.tensors.first(where: { $0.role == r && $0.layer == layer }) { return m }
    }
    return portrait.tensors.first { $0.layer == layer }
  }

  /// Splits `role.statistic` (`mlp.down.row_norms`) into its role and statistic.
  static func split(_ source: String) -> (role: String, statistic: String)? {
    let parts = source.split(separator: ".")
    guard parts.count == 3 else { return nil }
    return (parts[0] + "." + parts[1], String(parts[2]))
  }

  /// A scalar statistic of a matrix.
  static func scalar(_ m: MatrixAnalysis, _ statistic: String) -> Double? {
    switch statistic {
    case "alpha": m.alpha
    case "stable_rank": m.stable_rank
    case "log_norm": m.log_norm
    case "log_spectral_norm": m.log_spectral_norm
    case "kurtosis": m.kurtosis
    case "skewness": m.skewness
    case "std": m.std
    case "mean": m.mean
    case "entropy": m.entropy
    case "frobenius_norm": m.frobenius_norm
    case "mp_softrank": m.mp_softrank
    case "num_spikes": m.num_spikes.map(Double.init)
    case "sv_ratio": m.singular_values.count > 1 && m.singular_values[1] > 0 ? m.singular_values[0] / m.singular_values[1] : nil
    default: nil
    }
  }

  /// A per-layer scalar: a layer aggregate (`tension`, `mean_alpha`, `spectral_distance`, ...)
  /// or `role.statistic`. Records provenance and returns (value, provenance index).
  public mutating func layerValue(_ source: String, layer: LayerPortrait) -> (value: Double, provenance: Int) {
    if let (role, statistic) = Self.split(source), let m = matrix(role, layer: layer.layer) {
      let v = Self.scalar(m, statistic) ?? 0
      let label = m.role == role ? statistic : "\(statistic) (\(m.role) standing in for \(role))"
      return (v, cite(Provenance(tensor: m.name, role: m.role, layer: layer.layer, statistic: label, value: v)))
    }
    let v: Double =
      switch source {
      case "tension": layer.tension ?? 1
      case "mean_alpha": layer.mean_alpha ?? 0
      case "mean_stable_rank": layer.mean_stable_rank ?? 0
      case "mean_log_norm": layer.mean_log_norm ?? 0
      case "mean_kurtosis": layer.mean_kurtosis ?? 0
      case "mean_entropy": layer.mean_entropy ?? 0
      case "spectral_distance": layer.mean_spectral_distance ?? 0
      case "attention_frobenius": layer.attention_frobenius ?? 0
      case "mlp_frobenius": layer.mlp_frobenius ?? 0
      default: 0
      }
    return (v, cite(Provenance(tensor: "layer \(layer.layer)", layer: layer.layer, statistic: source, value: v)))
  }

  /// `count` evenly spaced entries of a vector statistic (`role.row_norms`,
  /// `role.singular_values`, `role.column_norms`) of a layer's matrix, each with its provenance.
  public mutating func vector(_ source: String, layer: Int, count: Int) -> [(value: Double, provenance: Int)] {
    guard let (role, statistic) = Self.split(source), let m = matrix(role, layer: layer) else { return [] }
    let values: [Double] =
      switch statistic {
      case "row_norms": m.row_norms
      case "column_norms": m.column_norms
      default: m.singular_values
      }
    guard !values.isEmpty else { return [] }
    let label = m.role == role ? statistic : "\(statistic) (\(m.role) standing in for \(role))"
    return (0..<count).map { k in
      let i = min(values.count - 1, k * values.count / count)
      return (values[i], cite(Provenance(tensor: m.name, role: m.role, layer: layer, statistic: label, index: i, value: values[i])))
    }
  }

  /// Adds `p` to the table (once) and returns its index.
  public mutating func cite(_ p: Provenance) -> Int {
    let key = "\(p.tensor)|\(p.role ?? "")|\(p.layer ?? -1)|\(p.statistic)|\(p.index ?? -1)|\(p.value)"
    if let i = index[key] { return i }
    provenance.append(p)
    index[key] = provenance.count - 1
    return provenance.count - 1
  }
}
