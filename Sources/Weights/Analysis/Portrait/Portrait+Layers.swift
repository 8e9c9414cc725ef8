import Anatomy

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Portrait {
  static func mean(_ values: [Double?]) -> Double? {
    let v = values.compactMap { $0 }.filter(\.isFinite)
    return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
  }

  static func layerPortraits(anatomy: Anatomy, matrices: [MatrixAnalysis], vectors: [VectorAnalysis]) -> [LayerPortrait] {
    let byLayer = Dictionary(grouping: matrices.filter { $0.layer != nil }, by: { $0.layer ?? -1 })
    let vectorsByLayer = Dictionary(grouping: vectors.filter { $0.layer != nil }, by: { $0.layer ?? -1 })
    var previous: [String: [Double]] = [:]
    var result: [LayerPortrait] = []
    for layer in anatomy.layers.map(\.index) {
      let ms = byLayer[layer, default: []]
      func frobenius(_ roles: Set<Role>) -> Double? {
        let selected = ms.filter { Role(rawValue: $0.role).map(roles.contains) ?? false }
        return selected.isEmpty ? nil : selected.reduce(0.0) { $0 + $1.frobeniusNorm * $1.frobeniusNorm }.squareRoot()
      }
      let attention = frobenius([.attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .attentionQKV])
      let mlp = frobenius([.mlpGate, .mlpUp, .mlpDown, .mlpGateUp])
      var tension: Double?
      if let attention, let mlp, mlp > 0 { tension = attention / mlp }
      var distances: [String: Double] = [:]
      var current: [String: [Double]] = [:]
      for m in ms {
        let logs = m.singularValues.filter { $0 > 0 }.map { log10($0) }
        current[m.role] = logs
        if let before = previous[m.role], !before.isEmpty, !logs.isEmpty {
          distances[m.role] = wasserstein(before, logs)
        }
      }
      previous = current
      var gains: [String: Double] = [:]
      for v in vectorsByLayer[layer, default: []] where v.parameter == "weight" && v.role.hasPrefix("norm.") {
        gains[v.role] = v.mean
      }
      result.append(
        LayerPortrait(
          layer: layer, roles: Array(Set(ms.map(\.role))).sorted { (Role(rawValue: $0) ?? .unmapped) < (Role(rawValue: $1) ?? .unmapped) },
          attentionFrobenius: attention, mlpFrobenius: mlp, tension: tension,
          meanAlpha: mean(ms.map(\.alpha)), meanStableRank: mean(ms.map(\.stableRank)),
          meanLogNorm: mean(ms.map(\.logNorm)), meanLogSpectralNorm: mean(ms.map(\.logSpectralNorm)),
          meanKurtosis: mean(ms.map { $0.kurtosis }), meanEntropy: mean(ms.map(\.entropy)),
          spectralDistance: distances, meanSpectralDistance: mean(distances.keys.sorted().map { distances[$0] }),
          normGains: gains, warnings: ms.compactMap { m in m.warning.map { "\(m.name): \($0)" } }))
    }
    return result
  }

  /// Wasserstein-1 distance between two empirical distributions: ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du,
  /// computed exactly by walking both sorted samples' quantile steps.
  public static func wasserstein(_ a: [Double], _ b: [Double]) -> Double {
    let x = a.sorted(), y = b.sorted()
    var i = 0, j = 0
    var u = 0.0, total = 0.0
    let na = Double(x.count), nb = Double(y.count)
    while i < x.count && j < y.count {
      let nextA = Double(i + 1) / na, nextB = Double(j + 1) / nb
      let step = min(nextA, nextB) - u
      total += step * abs(x[i] - y[j])
      u += step
      if nextA <= nextB { i += 1 }
      if nextB <= nextA { j += 1 }
    }
    return total
  }

  static func modelSummary(anatomy: Anatomy, matrices: [MatrixAnalysis], warnings: [String]) -> ModelSummary {
    let embedding = anatomy.global(.embedToken).flatMap { g in matrices.first { $0.tensor == g.tensor } }
    var effectiveRank: Double?
    if let e = embedding {
      let lambdas = e.singularValues.map { $0 * $0 }
      let total = lambdas.reduce(0, +)
      if total > 0 {
        var h = 0.0
        for l in lambdas where l > 0 { h -= (l / total) * log(l / total) }
        effectiveRank = exp(h)
      }
    }
    let meanAlpha = mean(matrices.map(\.alpha))
    let key: KeySuggestion
    if let r = effectiveRank {
      key = KeySuggestion(rootStatistic: r, rootSource: "embedding effective rank", meanAlpha: meanAlpha)
    } else {
      let fallback = matrices.first?.stableRank ?? 1
      key = KeySuggestion(rootStatistic: fallback, rootSource: "stable rank of \(matrices.first?.name ?? "no matrix")", meanAlpha: meanAlpha)
    }
    let hp = anatomy.hyperparameters
    return ModelSummary(
      architecture: anatomy.architecture, family: anatomy.family.rawValue, layerCount: hp.layerCount,
      hiddenSize: hp.hiddenSize, parameterCount: anatomy.parameterCount, embedding: embedding?.name,
      embeddingEffectiveRank: effectiveRank, embeddingStableRank: embedding?.stableRank,
      logNorm: mean(matrices.map(\.logNorm)), alpha: meanAlpha, alphaWeighted: mean(matrices.map(\.alphaWeighted)),
      logAlphaNorm: mean(matrices.map(\.logAlphaNorm)), logSpectralNorm: mean(matrices.map(\.logSpectralNorm)),
      stableRank: mean(matrices.map(\.stableRank)), mpSoftrank: mean(matrices.map(\.mpSoftrank)),
      suggestedKey: key, matrixCount: matrices.count, warnings: warnings)
  }
}
