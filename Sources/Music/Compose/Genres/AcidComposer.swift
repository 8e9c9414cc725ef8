public import Analysis
public import Anatomy
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
    var a = Arrangement(context, title: "\(context.portrait.summary.architecture) acid")
    let acid = try a.part("Acid")
    let layers = context.layers
    guard !layers.isEmpty else { throw CompositionError("the model has no layers to walk") }
    let barsPerLayer = max(1, Int(try preset.setting("bars_per_layer")))
    let introBars = try preset.sectionBars("intro")
    let outroBars = try preset.sectionBars("outro")
    let barLength = a.barLength
    // Sixteenth-note steps in a bar; the 16-step pattern runs on across bars in other meters.
    let stepsPerBar = max(1, Int((barLength * 4).rounded()))
    let scale = context.key.scale
    a.setPitchBendRange(acid.name, semitones: 2)
    a.control(acid.name, 0, ControlChange.volume, 110)
    a.control(acid.name, 0, ControlChange.portamentoTime, 20)

    // Per-layer series, normalised across layers.
    let (cutoffMap, cutoffStatistic) = try preset.scalarMapping("cutoff")
    let (resonanceMap, resonanceStatistic) = try preset.scalarMapping("resonance")
    let (slideMap, slideStatistic) = try preset.scalarMapping("slide")
    let sources = (pitch: try preset.vectorMapping("pitch"), accent: try preset.vectorMapping("accent"), rest: try preset.vectorMapping("rest"))
    let cutoffRaw = layers.map { a.reader.layerValue(cutoffStatistic, layer: $0) }
    let resonanceRaw = layers.map { a.reader.layerValue(resonanceStatistic, layer: $0) }
    let changeRaw = layers.map { a.reader.layerValue(slideStatistic, layer: $0) }
    let tensionRaw = layers.map { a.reader.layerValue(.layer(.tension), layer: $0) }
    let cutoffs = cutoffMap.apply(cutoffRaw.map(\.value))
    let resonances = resonanceMap.apply(resonanceRaw.map(\.value))
    var changeUnits = slideMap.normalized(changeRaw.map(\.value))
    if !changeUnits.isEmpty { changeUnits[0] = 0 }  // the first layer has nothing to glide from
    let tensions = ranks(tensionRaw.map(\.value))

    a.marker(0, "intro")
    drumBars(&a, from: 0, bars: introBars, tension: 0.3, provenance: tensionRaw.first?.provenance)
    var beat = Double(introBars) * barLength
    a.marker(beat, "acid: the layers")
    for (i, layer) in layers.enumerated() {
      let pattern = self.pattern(
        layer: layer, reader: &a.reader, mappings: (sources.pitch.mapping, sources.accent.mapping, sources.rest.mapping),
        sources: ((sources.pitch.role, sources.pitch.statistic), (sources.accent.role, sources.accent.statistic), (sources.rest.role, sources.rest.statistic)),
        scale: scale, range: acid.range, change: changeUnits[i])
      a.marker(beat, "layer \(layer.layer)")
      a.control(acid.name, beat, ControlChange.cutoff, Int(cutoffs[i].rounded()))
      a.control(acid.name, beat, ControlChange.resonance, Int(resonances[i].rounded()))
      for bar in 0..<barsPerLayer {
        let start = beat + Double(bar) * barLength
        for s in 0..<stepsPerBar {
          let k = (bar * stepsPerBar + s) % pattern.steps.count
          let step = pattern.steps[k]
          guard let pitch = step.pitch else { continue }
          let onset = start + Double(s) * 0.25
          // A slide holds the note into the next one (the 303 glides while both overlap).
          let length = step.slide ? 0.3 : (step.accent ? 0.22 : 0.18)
          a.note(acid.name, onset, length, pitch, step.accent ? 120 : 85, pattern.provenance[k])
          if step.slide {
            a.control(acid.name, onset, ControlChange.portamento, 127)
            a.control(acid.name, onset + 0.25, ControlChange.portamento, 0)
          }
        }
      }
      drumBars(&a, from: beat, bars: barsPerLayer, tension: tensions[i], provenance: tensionRaw[i].provenance)
      beat += Double(barsPerLayer) * barLength
    }
    a.marker(beat, "outro")
    drumBars(&a, from: beat, bars: outroBars, tension: 0.2, provenance: tensionRaw.last?.provenance)
    return a.finish()
  }

  /// The 16-step pattern of one layer, with the provenance of each step: pitches, accents and
  /// rests from the three series the preset names, slides from the layer's spectral change.
  public func pattern(
    layer: LayerPortrait, reader: inout StatisticReader, mappings: (pitch: Mapping, accent: Mapping, rest: Mapping),
    sources: (pitch: (Role, Statistic.VectorStatistic), accent: (Role, Statistic.VectorStatistic), rest: (Role, Statistic.VectorStatistic)),
    scale: Scale, range: ClosedRange<Pitch>, change: Double
  ) -> (steps: [Step], provenance: [Int]) {
    let pitchMap = mappings.pitch, accentMap = mappings.accent, restMap = mappings.rest
    let pitchSource = reader.vector(sources.pitch.0, sources.pitch.1, layer: layer.layer, count: 16)
    let accentSource = reader.vector(sources.accent.0, sources.accent.1, layer: layer.layer, count: 16)
    let restSource = reader.vector(sources.rest.0, sources.rest.1, layer: layer.layer, count: 16)
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

  /// Kick on every beat, closed hats on the off-beat eighths, claps on every second beat and an
  /// open hat at the end of the bar once the layer's tension is high.
  func drumBars(_ a: inout Arrangement, from beat: Double, bars: Int, tension: Double, provenance: Int?) {
    guard let kit = a.context.preset.parts.first(where: \.drums)?.name else { return }
    let barLength = a.barLength
    for bar in 0..<bars {
      let start = beat + Double(bar) * barLength
      for b in 0..<Int(barLength) {
        let t = start + Double(b)
        a.note(kit, t, 0.1, GMDrum.kick.key, 115, provenance)
        a.note(kit, t + 0.5, 0.1, GMDrum.closedHat.key, 60 + Int(tension * 50), provenance)
        if tension > 0.5 && b % 2 == 1 { a.note(kit, t, 0.1, GMDrum.clap.key, 90, provenance) }
      }
      if tension > 0.75 { a.note(kit, start + barLength - 0.5, 0.2, GMDrum.openHat.key, 80, provenance) }
    }
  }
}
