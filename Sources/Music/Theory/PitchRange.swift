/// Practical ranges of voices and instruments (MIDI numbers, written = sounding pitch for
/// the non-transposing view a MIDI file takes), for keeping generated parts playable.
public enum PitchRange {
  static func r(_ lo: Int, _ hi: Int) -> ClosedRange<Pitch> { Pitch(clamping: lo)...Pitch(clamping: hi) }

  public static let soprano = r(60, 81)
  public static let alto = r(55, 76)
  public static let tenor = r(48, 69)
  public static let bass = r(40, 64)
  public static let violin = r(55, 103)
  public static let viola = r(48, 91)
  public static let cello = r(36, 76)
  public static let contrabass = r(28, 67)
  public static let flute = r(60, 96)
  public static let oboe = r(58, 91)
  public static let clarinet = r(50, 94)
  public static let horn = r(34, 77)
  public static let harp = r(24, 103)
  public static let organ = r(24, 108)
  public static let piano = r(21, 108)
  public static let bassSynth = r(24, 60)
  /// The TB-303's keyboard: one octave with transpose up and down, C1 to C4.
  public static let tb303 = r(24, 60)

  /// Ranges by instrument name (lower-case), for presets.
  public static let byName: [String: ClosedRange<Pitch>] = [
    "soprano": soprano, "alto": alto, "tenor": tenor, "bass": bass, "violin": violin, "viola": viola, "cello": cello,
    "contrabass": contrabass, "flute": flute, "oboe": oboe, "clarinet": clarinet, "horn": horn, "harp": harp,
    "organ": organ, "piano": piano, "bass synth": bassSynth, "tb-303": tb303,
  ]
}
