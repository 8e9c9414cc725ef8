import Score

/// Collects a generated piece's parts and notes, then makes the score.
struct PieceWriter {
  var title: String
  var bpm: Double
  var numerator = 4
  var tonic = 0
  var minor = false
  private var tracks: [Track] = []

  init(title: String, bpm: Double) {
    self.title = title
    self.bpm = bpm
  }

  /// Adds a pitched part on the next free channel (drums: channel 10); returns its index.
  mutating func part(_ name: String, program: Int, drums: Bool = false) -> Int {
    let used = tracks.filter { !$0.isDrum }.count
    let channel = drums ? 9 : (used >= 9 ? used + 1 : used)
    tracks.append(Track(name: name, channel: channel, program: drums ? 0 : program, isDrum: drums))
    return tracks.count - 1
  }

  mutating func note(_ part: Int, _ onset: Double, _ duration: Double, _ pitch: Int, _ velocity: Int = 90) {
    guard duration > 0, (0...127).contains(pitch) else { return }
    tracks[part].notes.append(Note(onset: onset, duration: duration, pitch: pitch, velocity: max(1, min(127, velocity))))
  }

  func score() -> Score {
    let fifths = Self.fifths(tonic: tonic, minor: minor)
    return Score(
      title: title, tracks: tracks.filter { !$0.notes.isEmpty }, tempos: [Score.Tempo(beat: 0, bpm: bpm)],
      timeSignatures: [Score.TimeSignature(beat: 0, numerator: numerator, denominator: 4)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: fifths, minor: minor)])
  }

  /// The key signature of a tonic pitch class (0 = C) in major or minor, flats preferred
  /// from F onwards the way most charts write them.
  static func fifths(tonic: Int, minor: Bool) -> Int {
    let major = minor ? (tonic + 3) % 12 : tonic
    return [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5][major]
  }
}

/// A triad (or seventh) on a degree of a scale, as MIDI pitches from `base` (the tonic's MIDI
/// pitch in the wanted octave).
func chord(degree: Int, scale: [Int], base: Int, size: Int = 3) -> [Int] {
  (0..<size).map { i in
    let step = degree + 2 * i
    return base + scale[step % scale.count] + 12 * (step / scale.count)
  }
}

/// The MIDI pitch of a scale step (any integer, negative below the tonic) from `base`.
func scalePitch(_ step: Int, scale: [Int], base: Int) -> Int {
  let n = scale.count
  let octave = step >= 0 ? step / n : -((-step + n - 1) / n)
  return base + 12 * octave + scale[((step % n) + n) % n]
}
