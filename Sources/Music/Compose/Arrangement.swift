import Analysis
public import Score
public import Theory

/// What composers share: the parts of the preset as tracks, the statistic reader (which keeps
/// the provenance), and helpers to place notes in the key.
public struct Arrangement {
  public let context: CompositionContext
  public var reader: StatisticReader
  public var score: Score
  private var trackIndex: [String: Int] = [:]

  public init(_ context: CompositionContext, title: String) {
    self.context = context
    self.reader = StatisticReader(portrait: context.portrait)
    let key = context.key
    score = Score(
      title: title, tempos: [Score.Tempo(beat: 0, bpm: context.tempo)],
      timeSignatures: [Score.TimeSignature(beat: 0, numerator: context.preset.timeSignature.numerator, denominator: context.preset.timeSignature.denominator)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: key.fifths, minor: key.mode.isMinor)])
    score.texts = [TextEvent(beat: 0, text: "key \(key), tempo \(context.tempo) BPM")]
    for part in context.preset.parts {
      trackIndex[part.name] = score.tracks.count
      score.tracks.append(
        Track(name: part.name, channel: part.channel - 1, program: part.program, isDrum: part.drums, patch: part.patch))
    }
  }

  /// Beats per bar.
  public var barLength: Double { score.timeSignatures[0].beatsPerBar }

  public var scale: Scale { context.key.scale }

  /// The preset's part called `name` (composers check their parts exist first).
  public func part(_ name: String) throws -> Preset.Part {
    guard let p = context.preset.part(name) else { throw CompositionError("the \(context.preset.genre) preset needs a part named \(name)") }
    return p
  }

  /// Adds a note to the part called `name` (ignored if the preset has no such part).
  public mutating func note(_ name: String, _ onset: Double, _ duration: Double, _ pitch: Int, _ velocity: Int, _ provenance: Int?) {
    guard let i = trackIndex[name] else { return }
    score.tracks[i].notes.append(
      Note(onset: onset, duration: max(0.01, duration), pitch: min(127, max(0, pitch)), velocity: min(127, max(1, velocity)), provenance: provenance))
  }

  /// Adds a controller change to the part called `name`.
  public mutating func control(_ name: String, _ beat: Double, _ controller: Int, _ value: Int) {
    guard let i = trackIndex[name] else { return }
    score.tracks[i].controls.append(ControlChange(beat: beat, controller: controller, value: min(127, max(0, value))))
  }

  /// Sets the pitch-bend range of the part called `name` (a 303 glides by bends of ±2).
  public mutating func setPitchBendRange(_ name: String, semitones: Int) {
    guard let i = trackIndex[name] else { return }
    score.tracks[i].pitchBendRange = semitones
  }

  public mutating func marker(_ beat: Double, _ text: String) { score.markers.append(Score.Marker(beat: beat, text: text)) }

  /// The scale pitch for a normalised value inside a part's range (shifted by `octaves`).
  public func pitch(_ unit: Double, part name: String, octaves: Int = 0) -> Int {
    let range = context.preset.part(name)?.range ?? (Pitch(clamping: 48)...Pitch(clamping: 72))
    return min(127, max(0, scale.pitch(for: unit, in: range).midi + 12 * octaves))
  }

  /// Places chord tones (MIDI numbers of `chord`, moved into the part's range).
  public func voiced(_ chord: Chord, part name: String) -> [Int] {
    let range = context.preset.part(name)?.range ?? (Pitch(clamping: 48)...Pitch(clamping: 72))
    let middle = (range.lowerBound.midi + range.upperBound.midi) / 2
    let octave = middle / 12 - 1
    return chord.pitches(octave: octave).map { p in
      var m = p.midi
      while m > range.upperBound.midi { m -= 12 }
      while m < range.lowerBound.midi { m += 12 }
      return m
    }
  }

  /// Finishes: provenance table in place.
  public mutating func finish() -> Score {
    score.provenance = reader.provenance
    return score
  }
}

/// Rank-normalises a series (0…1), the default way composers turn statistics into positions.
func ranks(_ x: [Double]) -> [Double] { Mapping().normalized(x) }
