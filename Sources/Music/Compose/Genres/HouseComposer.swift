import Anatomy
import Analysis
public import Score
import Theory

/// House: intro, build-up, drop and outro over four-on-the-floor.
///
/// - Chords: eight chords, one every two bars, from eight layers spread over the model: each
///   layer's query-projection spectrum (σ₁/σ₂, rank-normalised across the eight) picks a
///   diatonic degree, so the progression moves wherever the spectra differ.
/// - Bass: the down-projection row norms of the layer assigned to each bar (the bars walk the
///   layers, each with a "layer N" marker) choose chord tones and octaves on the off-beat
///   eighths.
/// - Drums: kick on every beat from the build-up on, claps on 2 and 4 in the drop; each bar's
///   hat density is gated by that layer's gate-projection spread, and hat loudness follows the
///   layer's attention/MLP tension.
/// - Pad and a lead arpeggio (its note order from the up-projection's rows) in the drop.
public struct HouseComposer: Composer {
  public static let genre = "house"
  public static let summary = "House: a progression from query spectra, a bassline from MLP row norms, drums gated by the gate projection"

  public init() {}

  public func compose(_ context: CompositionContext) throws -> Score {
    var a = Arrangement(context, title: "\(context.portrait.summary.architecture) house")
    for name in ["Chords", "Bass", "Drums"] { _ = try a.part(name) }
    let layers = context.layers
    guard !layers.isEmpty else { throw CompositionError("the model has no layers") }
    let preset = context.preset
    let sections = preset.form
    guard !sections.isEmpty else { throw CompositionError("\(preset.file): form is empty (house plays its sections in order)") }
    let barLength = a.barLength

    // The progression: eight layers spread over the model.
    let (chordMap, chordStatistic) = try preset.scalarMapping("chords")
    let picked = (0..<8).map { layers[$0 * layers.count / 8] }
    let chordStats = picked.map { a.reader.layerValue(chordStatistic, layer: $0) }
    let chordUnits = chordMap.normalized(chordStats.map(\.value))
    // Degrees from most to least stable, so the rank walks away from home and back.
    let degreeOrder = [0, 5, 3, 6, 2, 4, 1]
    let chords = chordUnits.map { u in
      Chord(scale: a.scale, degree: degreeOrder[min(degreeOrder.count - 1, Int(u * Double(degreeOrder.count - 1) + 0.5))])
    }

    let (gateMap, gateStatistic) = try preset.scalarMapping("hats")
    let bass = try preset.vectorMapping("bass")
    let gateStats = layers.map { a.reader.layerValue(gateStatistic, layer: $0) }
    let gates = gateMap.normalized(gateStats.map(\.value))
    let tensionStats = layers.map { a.reader.layerValue(.layer(.tension), layer: $0) }
    let tensions = ranks(tensionStats.map(\.value))

    var bar = 0
    for section in sections {
      a.marker(Double(bar) * barLength, section.name)
      let energy: Int =
        switch section.name {
        case "intro": 0
        case "build-up", "buildup": 1
        case "drop": 2
        default: 1
        }
      for local in 0..<section.bars {
        let start = Double(bar) * barLength
        let layerIndex = bar % layers.count
        let layer = layers[layerIndex]
        let chordIndex = (bar / 2) % 8
        let chord = chords[chordIndex]
        let chordProvenance = chordStats[chordIndex].provenance
        // Pad / chords: every two bars.
        if bar % 2 == 0 {
          let velocity = [45, 58, 72, 50][min(3, energy + (section.name == "outro" ? 1 : 0))]
          for p in a.voiced(chord, part: "Chords") { a.note("Chords", start, 2 * barLength - 0.05, p, velocity, chordProvenance) }
          if let pad = try? a.part("Pad") {
            for p in a.voiced(chord, part: pad.name) { a.note(pad.name, start, 2 * barLength - 0.05, p + 12, velocity - 10, chordProvenance) }
          }
        }
        // Bass from the build-up's second half on.
        if energy == 2 || (energy == 1 && local >= section.bars / 2) || (section.name == "outro" && local < section.bars / 2) {
          // The bassline walks the layers, one per bar.
          a.marker(start, "\(section.name) · layer \(layer.layer)")
          let rows = a.reader.vector(bass.role, bass.statistic, layer: layer.layer, count: 8)
          let units = Mapping(normalize: .zscore).normalized(rows.map(\.value))
          let tones = a.voiced(chord, part: "Bass")
          for (k, row) in rows.enumerated() {
            let onset = start + Double(k) * 0.5
            guard k % 2 == 1 || units[k] > 0.6 else { continue }  // off-beats, plus strong rows
            let tone = tones[min(tones.count - 1, Int(units[k] * Double(tones.count)))]
            let octave = units[k] > 0.85 ? 12 : 0
            a.note("Bass", onset, 0.4, tone + octave, 90 + Int(units[k] * 30), row.provenance)
          }
        }
        // Drums.
        let gate = gates[layerIndex], tension = tensions[layerIndex]
        let drumProvenance = gateStats[layerIndex].provenance
        for b in 0..<Int(barLength) {
          let t = start + Double(b)
          if energy >= 1 || section.name == "intro" && b % 2 == 0 { a.note("Drums", t, 0.1, GMDrum.kick.key, 118, drumProvenance) }
          if energy == 2 && (b == 1 || b == 3) { a.note("Drums", t, 0.1, GMDrum.clap.key, 100, drumProvenance) }
          let hatVelocity = 50 + Int(tension * 55)
          a.note("Drums", t + 0.5, 0.1, energy == 2 && tension > 0.5 ? GMDrum.openHat.key : GMDrum.closedHat.key, hatVelocity, tensionStats[layerIndex].provenance)
          if gate > 0.33 && energy >= 1 { a.note("Drums", t + 0.25, 0.05, GMDrum.closedHat.key, hatVelocity - 20, drumProvenance) }
          if gate > 0.66 && energy == 2 { a.note("Drums", t + 0.75, 0.05, GMDrum.closedHat.key, hatVelocity - 15, drumProvenance) }
        }
        // Lead arpeggio in the drop.
        if energy == 2, let lead = try? a.part("Lead") {
          let rows = a.reader.vector(.mlpUp, .rowNorms, layer: layer.layer, count: 4)
          let order = ranks(rows.map(\.value))
          let tones = a.voiced(chord, part: lead.name)
          for s in 0..<Int(barLength * 4) {
            let k = s % 4
            let tone = tones[Int(order[k] * Double(tones.count - 1) + 0.5)] + (s % 8 >= 4 ? 12 : 0)
            a.note(lead.name, start + Double(s) * 0.25, 0.2, tone, 70 + (s % 4 == 0 ? 15 : 0), rows[k].provenance)
          }
        }
        bar += 1
      }
    }
    return a.finish()
  }
}
