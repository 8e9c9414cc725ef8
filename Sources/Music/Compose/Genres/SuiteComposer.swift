import Anatomy
import Analysis
import Foundation
public import Score
import Theory

/// The weight suite, five movements, each in its own mode:
/// I prologue (the embedding spectrum, Lydian, organ); II anatomy (the attention spectra layer
/// by layer, Dorian, strings); III memory (the MLP spectra layer by layer, Phrygian, brass);
/// IV balance (the norm gains, Aeolian, flute); V epilogue (the Frobenius norms, fading).
/// Movements II and III walk the layers, one bar each, with a "layer N" marker.
public struct SuiteComposer: Composer {
  public static let genre = "suite"
  public static let summary = "The weight suite: prologue, anatomy, memory, balance, epilogue (five movements, five modes)"

  public init() {}

  public func compose(_ context: CompositionContext) throws -> Score {
    var a = Arrangement(context, title: "\(context.portrait.summary.architecture) weight suite")
    for name in ["Organ", "Strings", "Brass", "Flute"] { _ = try a.part(name) }
    let layers = context.layers
    guard !layers.isEmpty else { throw CompositionError("the model has no layers") }
    let bar = a.barLength
    let root = context.key.root
    var t = 0.0
    func scale(_ mode: Mode) -> Scale { Scale(root: root, mode: mode) }
    func place(_ unit: Double, _ part: String, _ s: Scale) -> Int {
      let range = context.preset.part(part)?.range ?? (Pitch(clamping: 48)...Pitch(clamping: 72))
      return s.pitch(for: unit, in: range).midi
    }
    func keyChange(_ s: Scale, at beat: Double) {
      let key = Key(root: s.root, mode: s.mode)
      a.score.keySignatures.append(Score.KeySignature(beat: beat, fifths: key.fifths, minor: key.mode.isMinor))
    }

    // I. Prologue: the embedding spectrum, Lydian, organ.
    a.marker(t, "I. prologue")
    let lydian = scale(.lydian)
    let embeddingName = context.portrait.summary.embedding
    if let e = context.portrait.tensors.first(where: { $0.name == embeddingName }) ?? context.portrait.tensors.first, e.singularValues.count > 9 {
      let count = 12
      let picks = (0..<count).map { k -> (Double, Int) in
        let i = k * (e.singularValues.count - 1) / count
        let r = log(e.singularValues[i] / max(1e-12, e.singularValues[i + 1]))
        return (r, a.reader.cite(Provenance(tensor: e.name, role: e.role, statistic: "log singular_values ratio", index: i, value: r)))
      }
      let units = ranks(picks.map(\.0))
      for (k, u) in units.enumerated() {
        let chord = Chord(scale: lydian, degree: Int(u * 6 + 0.5))
        for p in a.voiced(chord, part: "Organ") { a.note("Organ", t, bar - 0.1, p, 50 + k * 3, picks[k].1) }
        t += bar
      }
    }

    // II. Anatomy: attention spectra per layer, Dorian, strings.
    let dorian = scale(.dorian)
    keyChange(dorian, at: t)
    a.marker(t, "II. anatomy")
    for layer in layers {
      a.marker(t, "II · layer \(layer.layer)")
      for (k, role) in [Role.attentionQuery, .attentionKey, .attentionValue, .attentionOutput].enumerated() {
        let sv = a.reader.vector(role, .singularValues, layer: layer.layer, count: 5)
        guard sv.count == 5 else { continue }
        // The spectrum's shape: how fast it falls from its first to its fifth value.
        let fall = log(sv[0].value / max(1e-12, sv[4].value))
        let u = min(1, max(0, fall / 4))
        a.note("Strings", t + Double(k) * bar / 4, bar / 4 - 0.05, place(u, "Strings", dorian), 60 + k * 8, sv[4].provenance)
      }
      t += bar
    }

    // III. Memory: MLP spectra per layer, Phrygian, brass.
    let phrygian = scale(.phrygian)
    keyChange(phrygian, at: t)
    a.marker(t, "III. memory")
    let stable = layers.map { a.reader.layerValue(.matrix(.mlpUp, .stableRank), layer: $0) }
    let down = layers.map { a.reader.layerValue(.matrix(.mlpDown, .svRatio), layer: $0) }
    let su = Mapping(normalize: .zscore).normalized(stable.map(\.value))
    let du = Mapping(normalize: .zscore).normalized(down.map(\.value))
    for (i, layer) in layers.enumerated() {
      a.marker(t, "III · layer \(layer.layer)")
      a.note("Brass", t, bar / 2, place(su[i], "Brass", phrygian), 70, stable[i].provenance)
      a.note("Brass", t + bar / 2, bar / 2 - 0.05, place(du[i], "Brass", phrygian), 64, down[i].provenance)
      t += bar
    }

    // IV. Balance: norm gains, Aeolian, flute.
    let aeolian = scale(.naturalMinor)
    keyChange(aeolian, at: t)
    a.marker(t, "IV. balance")
    let gains = context.portrait.vectors.filter { $0.role.hasPrefix("norm.") && $0.parameter == "weight" }
    let gainProvenance = gains.map { a.reader.cite(Provenance(tensor: $0.name, role: $0.role, layer: $0.layer, statistic: "mean gain", value: $0.mean)) }
    let gainUnits = Mapping(normalize: .zscore).normalized(gains.map(\.mean))
    for (k, u) in gainUnits.prefix(32).enumerated() {
      a.note("Flute", t + Double(k) * 0.5, 0.45, place(u, "Flute", aeolian), 62, gainProvenance[k])
    }
    t += max(bar, (Double(min(32, gainUnits.count)) * 0.5 / bar).rounded(.up) * bar)

    // V. Epilogue: Frobenius norms, fading.
    a.marker(t, "V. epilogue")
    let frob = layers.map { a.reader.layerValue(.layer(.attentionFrobenius), layer: $0) }
    let fu = ranks(frob.map(\.value))
    let bars = min(12, layers.count)
    for m in 0..<bars {
      let i = m * layers.count / bars
      let velocity = max(8, Int(60 * (1 - Double(m) / Double(bars))))
      a.note("Strings", t, bar - 0.1, place(fu[i], "Strings", aeolian), velocity, frob[i].provenance)
      a.note("Organ", t, bar - 0.1, place(fu[i] * 0.5, "Organ", aeolian), max(8, velocity - 15), frob[i].provenance)
      t += bar
    }
    return a.finish()
  }
}
