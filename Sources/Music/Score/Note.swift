/// A note in a part. Times are in beats (quarter notes) from the start of the score.
public struct Note: Sendable, Hashable, Codable {
  /// Start, in beats (≥ 0).
  public var onset: Double
  /// Length, in beats (> 0).
  public var duration: Double
  /// MIDI note number, 0…127 (for drums, the General MIDI drum key).
  public var pitch: Int
  /// MIDI velocity, 1…127.
  public var velocity: Int
  /// Index into ``Score/provenance``.
  public var provenance: Int?

  public init(onset: Double, duration: Double, pitch: Int, velocity: Int, provenance: Int? = nil) {
    self.onset = onset
    self.duration = duration
    self.pitch = pitch
    self.velocity = velocity
    self.provenance = provenance
  }

  public var end: Double { onset + duration }
}

/// A controller change (CC), in beats.
public struct ControlChange: Sendable, Hashable, Codable {
  public var beat: Double
  /// Controller number 0…127: 7 volume, 10 pan, 11 expression, 91 reverb send, 74 cutoff,
  /// 71 resonance, 5 portamento time, 65 portamento switch.
  public var controller: Int
  public var value: Int

  public init(beat: Double, controller: Int, value: Int) {
    self.beat = beat
    self.controller = controller
    self.value = value
  }

  public static let volume = 7, pan = 10, expression = 11, reverb = 91, cutoff = 74, resonance = 71
  public static let portamentoTime = 5, portamento = 65
}

/// A pitch bend, in beats: `semitones` away from the written pitch (within the track's
/// ``Track/pitchBendRange``).
public struct PitchBend: Sendable, Hashable, Codable {
  public var beat: Double
  public var semitones: Double

  public init(beat: Double, semitones: Double) {
    self.beat = beat
    self.semitones = semitones
  }
}

/// A text event attached to a track (lyrics carry words for highlighting) or to the score.
public struct TextEvent: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable { case text, lyric }
  public var beat: Double
  public var text: String
  public var kind: Kind

  public init(beat: Double, text: String, kind: Kind = .text) {
    self.beat = beat
    self.text = text
    self.kind = kind
  }
}
