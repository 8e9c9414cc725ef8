/// The tables the generated genres draw from: scales, progressions, rhythms, drum patterns and
/// instruments. Kept apart from the code that uses them, so a genre's character can be read
/// (and tuned) in one place.
enum GeneratorTables {
  // MARK: Scales (semitones above the tonic)
  static let major = [0, 2, 4, 5, 7, 9, 11]
  static let minor = [0, 2, 3, 5, 7, 8, 10]
  static let phrygian = [0, 1, 3, 5, 7, 8, 10]
  static let dorian = [0, 2, 3, 5, 7, 9, 10]
  static let minorPentatonic = [0, 3, 5, 7, 10]

  // MARK: Progressions (scale degrees from 0, one chord per bar)
  /// Rock: I–V–vi–IV and its rotations and relatives.
  static let rockProgressions: [[Int]] = [[0, 4, 5, 3], [0, 3, 4, 3], [5, 3, 0, 4], [0, 5, 3, 4], [0, 3, 0, 4], [0, 6, 3, 0]]
  /// Pop: verse and chorus pairs.
  static let popVerses: [[Int]] = [[5, 3, 0, 4], [0, 4, 5, 3], [1, 4, 0, 0], [0, 2, 3, 4]]
  static let popChoruses: [[Int]] = [[0, 4, 5, 3], [3, 4, 0, 5], [0, 5, 3, 4], [3, 0, 4, 4]]
  /// Rap loops in a minor key.
  static let rapLoops: [[Int]] = [[0, 5, 3, 4], [0, 0, 5, 6], [0, 3, 0, 4], [0, 6, 5, 4], [0, 2, 5, 4]]
  /// Metal riffs' roots (degrees of phrygian or minor), two bars each.
  static let metalChordRoots: [[Int]] = [[0, 5, 6, 0], [0, 1, 0, 6], [0, 3, 5, 6], [0, 6, 5, 1]]

  // MARK: Rhythms (quarter notes; each bar's values sum to its length)
  static let atonalDurations: [Double] = [0.25, 0.5, 0.5, 0.75, 1, 1, 1.5, 2, 3]
  static let melodyBars: [[Double]] = [
    [1, 1, 1, 1], [0.5, 0.5, 1, 1, 1], [1, 0.5, 0.5, 2], [1.5, 0.5, 1, 1], [0.5, 0.5, 0.5, 0.5, 2], [2, 1, 1], [1, 1, 2], [0.75, 0.25, 1, 0.5, 0.5, 1],
  ]
  /// Where in a 4/4 bar a rap bass plays (onset, length).
  static let rapBassBars: [[(Double, Double)]] = [
    [(0, 1.5), (1.5, 0.5), (2.5, 1)], [(0, 0.75), (0.75, 0.75), (2, 1), (3.5, 0.5)], [(0, 2), (2.75, 1.25)], [(0, 0.5), (1.5, 0.5), (2, 1.5)],
  ]

  // MARK: Drums (General MIDI keys; onsets in 16ths of a 4/4 bar)
  static let kick = 36, snare = 38, closedHat = 42, openHat = 46, crash = 49, ride = 51, lowTom = 45, highTom = 50, clap = 39
  static let boomBapKicks: [[Int]] = [[0, 7, 10], [0, 3, 10], [0, 6, 8, 14], [0, 10, 11]]
  static let rockKicks: [[Int]] = [[0, 8], [0, 8, 10], [0, 6, 8], [0, 3, 8]]

  // MARK: General MIDI programs (0-based)
  static let piano = 0, electricPiano = 4, organ = 16, cleanGuitar = 27, overdrive = 29, distortion = 30, fingerBass = 33, pickBass = 34,
    synthBass = 38, strings = 48, violin = 40, flute = 73, clarinet = 71, squareLead = 80, sawLead = 81, pad = 89
}
