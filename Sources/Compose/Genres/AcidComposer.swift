public import Analysis
public import Score
public import Theory

/// Acid: one 16-step TB-303 pattern per layer, over kick and hats.
///
/// For every layer, sixteen evenly spaced rows of the MLP down-projection give the pitches
/// (their norms, z-scored within the layer, spread over the scale inside the part's range) and
/// sixteen rows of the up-projection the rhythm (rests where they are weakest); accents come
/// from the magnitudes of the value projection's rows; slides, from the spectral change
/// between this layer and the previous one (more change, more glides, placed on the widest
/// leaps); the filter cutoff (CC 74) follows the gate projection's standard deviation across
/// layers and the resonance (CC 71) the value projection's kurtosis. Each layer starts with a
/// marker "layer N" and plays for `bars_per_layer` bars.
public struct AcidComposer: Composer {
  public static let genre = "acid"
  public static let summary = "TB-303 acid: one 16-step pattern per layer (pitches from MLP row norms, accents, slides, filter automation)"

  public init() {}

  /// One layer's pattern, kept for `--per-layer` files and tests.
  public struct Step: Sendable, Hashable {
    public var pitch: Int?
    public var accent: Bool
    public var slide: Bool
  }

  public func compose(_ context: CompositionContext) throws -> Score {
    let preset = context.preset
    guard let acid = preset.part("Acid") else { throw CompositionError("the acid preset needs a part named Acid") }
    let drums = preset.part("Drums")
    var reader = StatisticReader(portrait: context.portrait)
    let layers = context.layers
    guard !layers.isEmpty else { throw CompositionError("the model has no layers to walk") }
    let barsPerLayer = max(1, Int(preset.setting("bars_per_layer", 2)))
    let introBars = preset.form.first { $0.name == "intro" }?.bars ?? 2
    let outroBars = preset.form.first { $0.name == "outro" }?.bars ?? 2
    let scale = context.key.scale

    var score = Score(
      title: "\(context.portrait.summary.architecture) acid", tempos: [Score.Tempo(beat: 0, bpm: context.tempo)],
      timeSignatures: [Score.TimeSignature(beat: 0, numerator: 4, denominator: 4)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: context.key.fifths, minor: context.key.mode.isMinor)])
    score.texts = [TextEvent(beat: 0, text: "key \(context.key), tempo \(context.tempo) BPM")]
    var bass = Track(
      name: acid.name, channel: acid.channel - 1, program: acid.program, patch: acid.patch, pitchBendRange: 2,
      controls: [ControlChange(beat: 0, controller: ControlChange.volume, value: 110), ControlChange(beat: 0, controller: ControlChange.portamentoTime, value: 20)])
    var kit = Track(name: drums?.name ?? "Drums", channel: 9, isDrum: true, patch: drums?.patch ?? "drums-909")

    // Per-layer series, normalised across layers.
    let cutoffMap = preset.mapping("cutoff"), resonanceMap = preset.mapping("resonance"), slideMap = preset.mapping("slide")
    let cutoffRaw = layers.map { reader.layerValue(cutoffMap.source.isEmpty ? "mlp.gate.std" : cutoffMap.source, layer: $0) }
    let resonanceRaw = layers.map { reader.layerValue(resonanceMap.source.isEmpty ? "attn.v.kurtosis" : resonanceMap.source, layer: $0) }
    let changeRaw = layers.map { reader.layerValue(slideMap.source.isEmpty ? "spectral_distance" : slideMap.source, layer: $0) }
    let tensionRaw = layers.map { reader.layerValue("tension", layer: $0) }
    let cutoffs = cutoffMap.apply(cutoffRaw.map(\.value))
    let resonances = resonanceMap.apply(resonanceRaw.map(\.value))
    var changeUnits = slideMap.normalized(changeRaw.map(\.value))
    if !changeUnits.isEmpty { changeUnits[0] = 0 }  // the first layer has nothing to glide from
    let tensions = Mapping(source: "tension", normalize: .rank, range: 0...1, curve: .linear).normalized(tensionRaw.map(\.value))

    score.markers.append(Score.Marker(beat: 0, text: "intro"))
    drumBars(&kit, from: 0, bars: introBars, tension: 0.3, provenance: tensionRaw.first?.provenance)
    var beat = Double(introBars * 4)
    score.markers.append(Score.Marker(beat: beat, text: "acid: the layers"))
    for (i, layer) in layers.enumerated() {
      let pattern = self.pattern(layer: layer, index: i, reader: &reader, preset: preset, scale: scale, range: acid.range, change: changeUnits[i])
      score.markers.append(Score.Marker(beat: beat, text: "layer \(layer.layer)"))
      bass.controls.append(ControlChange(beat: beat, controller: ControlChange.cutoff, value: Int(cutoffs[i].rounded())))
      bass.controls.append(ControlChange(beat: beat, controller: ControlChange.resonance, value: Int(resonances[i].rounded())))
      for bar in 0..<barsPerLayer {
        let start = beat + Double(bar * 4)
        for (s, step) in pattern.steps.enumerated() {
          guard let pitch = step.pitch else { continue }
          let onset = start + Double(s) * 0.25
          // A slide holds the note into the next one (the 303 glides while both overlap).
          let length = step.slide ? 0.3 : (step.accent ? 0.22 : 0.18)
          bass.notes.append(Note(onset: onset, duration: length, pitch: pitch, velocity: step.accent ? 120 : 85, provenance: pattern.provenance[s]))
          if step.slide {
            bass.controls.append(ControlChange(beat: onset, controller: ControlChange.portamento, value: 127))
            bass.controls.append(ControlChange(beat: onset + 0.25, controller: ControlChange.portamento, value: 0))
          }
        }
      }
      drumBars(&kit, from: beat, bars: barsPerLayer, tension: tensions[i], provenance: tensionRaw[i].provenance)
      beat += Double(barsPerLayer * 4)
    }
    score.markers.append(Score.Marker(beat: beat, text: "outro"))
    drumBars(&kit, from: beat, bars: outroBars, tension: 0.2, provenance: tensionRaw.last?.provenance)
    score.tracks = [bass, kit]
    score.provenance = reader.provenance
    return score
  }

  /// The 16-step pattern of one layer, with the provenance of each step.
  public func pattern(
    layer: LayerPortrait, index: Int, reader: inout StatisticReader, preset: Preset, scale: Scale, range: ClosedRange<Pitch>,
    change: Double
  ) -> (steps: [Step], provenance: [Int]) {
    let pitchMap = preset.mapping("pitch"), accentMap = preset.mapping("accent"), restMap = preset.mapping("rest")
    let pitchSource = reader.vector(pitchMap.source.isEmpty ? "mlp.down.row_norms" : pitchMap.source, layer: layer.layer, count: 16)
    let accentSource = reader.vector(accentMap.source.isEmpty ? "attn.v.row_norms" : accentMap.source, layer: layer.layer, count: 16)
    let restSource = reader.vector(restMap.source.isEmpty ? "mlp.up.row_norms" : restMap.source, layer: layer.layer, count: 16)
    guard pitchSource.count == 16 else { return (Array(repeating: Step(pitch: nil, accent: false, slide: false), count: 16), Array(repeating: 0, count: 16)) }
    let pitchUnits = pitchMap.normalized(pitchSource.map(\.value))
    let accentUnits = accentMap.normalized(accentSource.map(\.value))
    let restUnits = restMap.normalized(restSource.map(\.value))
    var steps = (0..<16).map { s -> Step in
      let resting = s % 4 != 0 && restUnits.indices.contains(s) && restUnits[s] < (restMap.threshold ?? 0.2)
      let pitch = scale.pitch(for: pitchUnits[s], in: range).midi
      let accent = s == 0 || (accentUnits.indices.contains(s) && accentMap.isOn(accentUnits[s]))
      return Step(pitch: resting ? nil : pitch, accent: accent, slide: false)
    }
    // Slides: more spectral change, more glides (0 to 5), on the widest leaps to a next note.
    let slideCount = Int((change * 5).rounded())
    let leaps = (0..<15).compactMap { s -> (Int, Int)? in
      guard let a = steps[s].pitch, let b = steps[s + 1].pitch else { return nil }
      return (s, abs(b - a))
    }.sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }
    for (s, _) in leaps.prefix(slideCount) { steps[s].slide = true }
    return (steps, pitchSource.map(\.provenance))
  }

  /// Kick on every beat, closed hats on the off-beat eighths, an open hat and claps once the
  /// layer's tension is high.
  func drumBars(_ kit: inout Track, from beat: Double, bars: Int, tension: Double, provenance: Int?) {
    for bar in 0..<bars {
      let start = beat + Double(bar * 4)
      for b in 0..<4 {
        let t = start + Double(b)
        kit.notes.append(Note(onset: t, duration: 0.1, pitch: 36, velocity: 115, provenance: provenance))
        kit.notes.append(Note(onset: t + 0.5, duration: 0.1, pitch: 42, velocity: 60 + Int(tension * 50), provenance: provenance))
        if tension > 0.5 && (b == 1 || b == 3) {
          kit.notes.append(Note(onset: t, duration: 0.1, pitch: 39, velocity: 90, provenance: provenance))
        }
      }
      if tension > 0.75 {
        kit.notes.append(Note(onset: start + 3.5, duration: 0.2, pitch: 46, velocity: 80, provenance: provenance))
      }
    }
  }
}
