public import Analysis
public import Anatomy
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
  static func fallbacks(_ role: Role) -> [Role] {
    let chains: [[Role]] = [
      [.mlpGate, .mlpUp, .mlpDown], [.mlpUp, .mlpGate, .mlpDown], [.mlpDown, .mlpUp, .mlpGate],
      [.attentionQuery, .attentionKey, .attentionValue, .attentionOutput], [.attentionKey, .attentionQuery, .attentionValue, .attentionOutput],
      [.attentionValue, .attentionOutput, .attentionKey, .attentionQuery], [.attentionOutput, .attentionValue, .attentionQuery, .attentionKey],
    ]
    return chains.first { $0.first == role } ?? [role]
  }

  /// The matrix playing `role` in `layer`, or its nearest stand-in.
  public func matrix(_ role: Role, layer: Int) -> MatrixAnalysis? {
    for r in Self.fallbacks(role) {
      if let m = portrait.tensors.first(where: { $0.role == r.rawValue && $0.layer == layer }) { return m }
    }
    return portrait.tensors.first { $0.layer == layer }
  }

  /// A scalar statistic of a matrix.
  static func scalar(_ m: MatrixAnalysis, _ statistic: Statistic.MatrixStatistic) -> Double? {
    switch statistic {
    case .alpha: m.alpha
    case .stableRank: m.stableRank
    case .logNorm: m.logNorm
    case .logSpectralNorm: m.logSpectralNorm
    case .kurtosis: m.kurtosis
    case .skewness: m.skewness
    case .std: m.std
    case .mean: m.mean
    case .entropy: m.entropy
    case .frobeniusNorm: m.frobeniusNorm
    case .mpSoftrank: m.mpSoftrank
    case .numSpikes: m.numSpikes.map(Double.init)
    case .svRatio: m.singularValues.count > 1 && m.singularValues[1] > 0 ? m.singularValues[0] / m.singularValues[1] : nil
    }
  }

  /// A series of a matrix.
  static func series(_ m: MatrixAnalysis, _ statistic: Statistic.VectorStatistic) -> [Double] {
    switch statistic {
    case .rowNorms: m.rowNorms
    case .columnNorms: m.columnNorms
    case .singularValues: m.singularValues
    }
  }

  /// A layer aggregate.
  static func aggregate(_ layer: LayerPortrait, _ statistic: Statistic.LayerStatistic) -> Double {
    switch statistic {
    case .tension: layer.tension ?? 1
    case .meanAlpha: layer.meanAlpha ?? 0
    case .meanStableRank: layer.meanStableRank ?? 0
    case .meanLogNorm: layer.meanLogNorm ?? 0
    case .meanKurtosis: layer.meanKurtosis ?? 0
    case .meanEntropy: layer.meanEntropy ?? 0
    case .spectralDistance: layer.meanSpectralDistance ?? 0
    case .attentionFrobenius: layer.attentionFrobenius ?? 0
    case .mlpFrobenius: layer.mlpFrobenius ?? 0
    }
  }

  /// A per-layer number: a layer aggregate, a matrix's scalar, or the mean of a matrix's series.
  /// Records provenance and returns (value, provenance index).
  public mutating func layerValue(_ statistic: Statistic, layer: LayerPortrait) -> (value: Double, provenance: Int) {
    switch statistic {
    case .layer(let aggregate):
      let v = Self.aggregate(layer, aggregate)
      return (v, cite(Provenance(tensor: "layer \(layer.layer)", layer: layer.layer, statistic: aggregate.rawValue, value: v)))
    case .matrix(let role, let name):
      guard let m = matrix(role, layer: layer.layer) else { return (0, cite(Provenance(tensor: "layer \(layer.layer)", layer: layer.layer, statistic: "\(statistic)", value: 0))) }
      let v = Self.scalar(m, name) ?? 0
      let label = m.role == role.rawValue ? name.rawValue : "\(name.rawValue) (\(m.role) standing in for \(role.rawValue))"
      return (v, cite(Provenance(tensor: m.name, role: m.role, layer: layer.layer, statistic: label, value: v)))
    case .vector(let role, let name):
      guard let m = matrix(role, layer: layer.layer) else { return (0, cite(Provenance(tensor: "layer \(layer.layer)", layer: layer.layer, statistic: "\(statistic)", value: 0))) }
      let values = Self.series(m, name)
      let v = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
      let label = "mean " + (m.role == role.rawValue ? name.rawValue : "\(name.rawValue) (\(m.role) standing in for \(role.rawValue))")
      return (v, cite(Provenance(tensor: m.name, role: m.role, layer: layer.layer, statistic: label, value: v)))
    }
  }

  /// `count` evenly spaced entries of a series (`row_norms`, `column_norms`,
  /// `singular_values`) of a layer's matrix playing `role`, each with its provenance.
  public mutating func vector(_ role: Role, _ statistic: Statistic.VectorStatistic, layer: Int, count: Int) -> [(value: Double, provenance: Int)] {
    guard let m = matrix(role, layer: layer) else { return [] }
    let values = Self.series(m, statistic)
    guard !values.isEmpty else { return [] }
    let label = m.role == role.rawValue ? statistic.rawValue : "\(statistic.rawValue) (\(m.role) standing in for \(role.rawValue))"
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
