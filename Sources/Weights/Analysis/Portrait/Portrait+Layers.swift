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
        return selected.isEmpty ? nil : selected.reduce(0.0) { $0 + $1.frobenius_norm * $1.frobenius_norm }.squareRoot()
      }
      let attention = frobenius([.attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .attentionQKV])
      let mlp = frobenius([.mlpGate, .mlpUp, .mlpDown, .mlpGateUp])
      var tension: Double?
      if let attention, let mlp, mlp > 0 { tension = attention / mlp }
      var distances: [String: Double] = [:]
      var current: [String: [Double]] = [:]
      for m in ms {
        let logs = m.singular_values.filter { $0 > 0 }.map { log10($0) }
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
          attention_frobenius: attention, mlp_frobenius: mlp, tension: tension,
          mean_alpha: mean(ms.map(\.alpha)), mean_stable_rank: mean(ms.map(\.stable_rank)),
          mean_log_norm: mean(ms.map(\.log_norm)), mean_log_spectral_norm: mean(ms.map(\.log_spectral_norm)),
          mean_kurtosis: mean(ms.map { $0.kurtosis }), mean_entropy: mean(ms.map(\.entropy)),
          spectral_distance: distances, mean_spectral_distance: mean(distances.keys.sorted().map { distances[$0] }),
          norm_gains: gains, warnings: ms.compactMap { m in m.warning.map { "\(m.name): \($0)" } }))
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
      let lambdas = e.singular_values.map { $0 * $0 }
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
      let fallback = matrices.first?.stable_rank ?? 1
      key = KeySuggestion(rootStatistic: fallback, rootSource: "stable rank of \(matrices.first?.name ?? "no matrix")", meanAlpha: meanAlpha)
    }
    let hp = anatomy.hyperparameters
    return ModelSummary(
      architecture: anatomy.architecture, family: anatomy.family.rawValue, layer_count: hp.layerCount,
      hidden_size: hp.hiddenSize, parameter_count: anatomy.parameterCount, embedding: embedding?.name,
      embedding_effective_rank: effectiveRank, embedding_stable_rank: embedding?.stable_rank,
      log_norm: mean(matrices.map(\.log_norm)), alpha: meanAlpha, alpha_weighted: mean(matrices.map(\.alpha_weighted)),
      log_alpha_norm: mean(matrices.map(\.log_alpha_norm)), log_spectral_norm: mean(matrices.map(\.log_spectral_norm)),
      stable_rank: mean(matrices.map(\.stable_rank)), mp_softrank: mean(matrices.map(\.mp_softrank)),
      suggested_key: key, matrix_count: matrices.count, warnings: warnings)
  }
}
