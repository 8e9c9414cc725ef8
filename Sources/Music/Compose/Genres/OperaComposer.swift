import Anatomy
import Analysis
public import Score
import Theory

/// Opera in four acts, for orchestra.
///
/// - I, overture: the token embedding's spectrum unfolds one singular value per bar; the ratio
///   σᵢ/σᵢ₊₁ (rank-normalised: the spectrum's shape, never its sorted order) picks each chord,
///   which the four string sections hold; the harp enters a quarter of the way in and the oboe,
///   with a line from the same ratios, halfway.
/// - II, fugue: the query, key, value and output projections enter one after another as
///   violins, violas, cellos and contrabasses, each on its own theme (the z-scored row norms of
///   its projection in successive layers); horns sound the gate projection's histogram peaks,
///   oboe and clarinet the up projection's.
/// - III, climax: two bars per layer (marker "layer N"); the four string pitches come from that
///   layer's q, k, v and o spectra (σ₁/σ₂ across layers), loudness from its attention/MLP
///   tension; horns and woodwinds join as the tension rises, the organ at the summit.
/// - IV, epilogue: the layers' Frobenius norms and the final norm's gains, slowing into a
///   descending line while the strings drop out and everything fades to silence.
public struct OperaComposer: Composer {
  public static let genre = "opera"
  public static let summary = "Opera in four acts: overture from the embedding spectrum, a q/k/v/o fugue, a climax walking the layers, an epilogue"

  public init() {}

  public func compose(_ context: CompositionContext) throws -> Score {
    var a = Arrangement(context, title: "\(context.portrait.summary.architecture) opera")
    let strings = ["Violins", "Violas", "Cellos", "Contrabasses"]
    for name in strings { _ = try a.part(name) }
    let layers = context.layers
    guard !layers.isEmpty else { throw CompositionError("the model has no layers") }
    let bar = a.barLength
    var t = 0.0

    // Act I: overture from the embedding spectrum.
    a.marker(t, "Act I: overture")
    let overtureBars = try context.preset.sectionBars("overture")
    let embeddingName = context.portrait.summary.embedding
    let embedding = context.portrait.tensors.first { $0.name == embeddingName } ?? context.portrait.tensors.first
    var ratios: [(Double, Int)] = []
    if let e = embedding, e.singularValues.count > 1 {
      for m in 0..<overtureBars {
        let i = min(e.singularValues.count - 2, m * max(1, (e.singularValues.count - 1) / overtureBars))
        let r = e.singularValues[i] / max(1e-12, e.singularValues[i + 1])
        ratios.append((r, a.reader.cite(Provenance(tensor: e.name, role: e.role, statistic: "singular_values ratio σ[i]/σ[i+1]", index: i, value: r))))
      }
    }
    let ratioUnits = ranks(ratios.map(\.0))
    for m in 0..<ratios.count {
      let degree = Int(ratioUnits[m] * 6 + 0.5)
      let chord = Chord(scale: a.scale, degree: [0, 3, 4, 5, 1, 6, 2][degree])
      let velocity = 30 + Int(Double(m) / Double(max(1, overtureBars)) * 45)
      for (k, name) in strings.enumerated() {
        let tones = a.voiced(chord, part: name)
        a.note(name, t, bar - 0.1, tones[k % tones.count], velocity - k * 3, ratios[m].1)
      }
      if m >= overtureBars / 4 {
        for (k, p) in a.voiced(chord, part: "Harp").enumerated() { a.note("Harp", t + Double(k) * 0.5, 1.5, p, velocity, ratios[m].1) }
      }
      if m >= overtureBars / 2 {
        a.note("Oboe", t, bar / 2, a.pitch(ratioUnits[m], part: "Oboe"), velocity + 10, ratios[m].1)
        a.note("Oboe", t + bar / 2, bar / 2, a.pitch(ratioUnits[(m + 1) % ratios.count], part: "Oboe"), velocity + 5, ratios[(m + 1) % ratios.count].1)
      }
      t += bar
    }

    // Act II: fugue of q, k, v, o.
    a.marker(t, "Act II: fugue")
    let fugueBars = try context.preset.sectionBars("fugue")
    let voices: [(String, Role)] = [("Violins", .attentionQuery), ("Violas", .attentionKey), ("Cellos", .attentionValue), ("Contrabasses", .attentionOutput)]
    let entry = max(1, fugueBars / 6)
    for (v, (name, role)) in voices.enumerated() {
      let first = v * entry
      for m in first..<fugueBars {
        let layer = layers[(m - first) % layers.count]
        let rows = a.reader.vector(role, .rowNorms, layer: layer.layer, count: 4)
        let units = Mapping(normalize: .zscore).normalized(rows.map(\.value))
        for (k, row) in rows.enumerated() {
          a.note(name, t + Double(m) * bar + Double(k), 0.95, a.pitch(units[k], part: name), 60 + Int(units[k] * 30), row.provenance)
        }
      }
    }
    for m in stride(from: 0, to: fugueBars, by: 2) {
      let layer = layers[m % layers.count]
      let gate = a.reader.vector(.mlpGate, .rowNorms, layer: layer.layer, count: 2)
      let up = a.reader.vector(.mlpUp, .rowNorms, layer: layer.layer, count: 2)
      let g = ranks(gate.map(\.value)), u = ranks(up.map(\.value))
      for k in 0..<gate.count { a.note("Horn", t + Double(m) * bar, 2 * bar - 0.2, a.pitch(0.3 + 0.4 * g[k], part: "Horn"), 55, gate[k].provenance) }
      if m >= fugueBars / 3, !up.isEmpty {
        a.note("Oboe", t + Double(m) * bar + bar, bar, a.pitch(u[0], part: "Oboe"), 60, up[0].provenance)
        a.note("Clarinet", t + Double(m) * bar + bar, bar, a.pitch(u[min(1, u.count - 1)], part: "Clarinet"), 58, up[min(1, up.count - 1)].provenance)
      }
    }
    t += Double(fugueBars) * bar

    // Act III: climax walking the layers.
    a.marker(t, "Act III: climax")
    let perLayer = Double(max(1, Int(try context.preset.setting("climax_bars_per_layer"))))
    let roleStats = voices.map { (name, role) in (name, layers.map { a.reader.layerValue(.matrix(role, .svRatio), layer: $0) }) }
    let tension = layers.map { a.reader.layerValue(.layer(.tension), layer: $0) }
    let tensionUnits = ranks(tension.map(\.value))
    for (i, layer) in layers.enumerated() {
      a.marker(t, "Act III · layer \(layer.layer)")
      let velocity = 55 + Int(tensionUnits[i] * 65)
      for (name, stats) in roleStats {
        let units = Mapping(normalize: .zscore).normalized(stats.map(\.value))
        a.note(name, t, perLayer * bar - 0.1, a.pitch(units[i], part: name), velocity, stats[i].provenance)
      }
      if tensionUnits[i] > 0.4 {
        for (k, p) in a.voiced(Chord(scale: a.scale, degree: i % 7), part: "Horn").prefix(2).enumerated() {
          a.note("Horn", t + Double(k) * bar / 2, perLayer * bar - bar / 2, p, velocity - 10, tension[i].provenance)
        }
      }
      if tensionUnits[i] > 0.3 {
        a.note("Oboe", t + bar / 2, bar, a.pitch(tensionUnits[i], part: "Oboe"), velocity - 15, tension[i].provenance)
        a.note("Clarinet", t + bar, bar, a.pitch(1 - tensionUnits[i], part: "Clarinet"), velocity - 15, tension[i].provenance)
      }
      if tensionUnits[i] > 0.85 {
        for p in a.voiced(Chord(scale: a.scale, degree: 0), part: "Organ") { a.note("Organ", t, perLayer * bar, p, velocity, tension[i].provenance) }
      }
      t += perLayer * bar
    }

    // Act IV: epilogue, fading.
    a.marker(t, "Act IV: epilogue")
    let epilogueBars = try context.preset.sectionBars("epilogue")
    let norms = layers.map { a.reader.layerValue(.layer(.mlpFrobenius), layer: $0) }
    let normUnits = ranks(norms.map(\.value))
    let finalNorm = context.portrait.vectors.first { $0.role == "norm.final" && $0.parameter == "weight" }
    for m in 0..<epilogueBars {
      let i = m * layers.count / max(1, epilogueBars)
      let fade = 1 - Double(m) / Double(max(1, epilogueBars))
      let velocity = max(8, Int(70 * fade))
      let active = strings.enumerated().filter { k, _ in fade > [0.15, 0.3, 0.08, 0.02][k] }
      for (k, name) in active {
        a.note(name, t, bar - 0.1, a.pitch(max(0, normUnits[i] - Double(m) / Double(epilogueBars) * 0.5), part: name, octaves: 0) - k, velocity, norms[i].provenance)
      }
      if let f = finalNorm, !f.values.isEmpty {
        let k = m * f.values.count / max(1, epilogueBars)
        let p = a.reader.cite(Provenance(tensor: f.name, role: f.role, statistic: "gain", index: k, value: f.values[k]))
        if m % 4 == 0 { a.note("Organ", t, 4 * bar - 0.2, a.pitch(0.2, part: "Organ"), max(8, velocity - 20), p) }
      }
      t += bar
    }
    return a.finish()
  }
}
