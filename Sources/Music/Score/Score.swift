/// A piece: parts, a conductor (tempo map, time and key signatures, section markers, text) and
/// the provenance of every note. Times are in beats (quarter notes).
public struct Score: Sendable, Hashable, Codable {
  public struct Tempo: Sendable, Hashable, Codable {
    public var beat: Double
    /// Quarter notes per minute.
    public var bpm: Double
    public init(beat: Double, bpm: Double) {
      self.beat = beat
      self.bpm = bpm
    }
  }

  public struct TimeSignature: Sendable, Hashable, Codable {
    public var beat: Double
    public var numerator: Int
    /// A power of two: 2, 4, 8, 16.
    public var denominator: Int
    public init(beat: Double, numerator: Int, denominator: Int) {
      self.beat = beat
      self.numerator = numerator
      self.denominator = denominator
    }
    /// Beats (quarter notes) per bar.
    public var beatsPerBar: Double { Double(numerator) * 4 / Double(denominator) }
  }

  public struct KeySignature: Sendable, Hashable, Codable {
    public var beat: Double
    /// −7…7, flats negative.
    public var fifths: Int
    public var minor: Bool
    public init(beat: Double, fifths: Int, minor: Bool) {
      self.beat = beat
      self.fifths = fifths
      self.minor = minor
    }
  }

  public struct Marker: Sendable, Hashable, Codable {
    public var beat: Double
    public var text: String
    public init(beat: Double, text: String) {
      self.beat = beat
      self.text = text
    }
  }

  public var title: String
  public var tracks: [Track]
  public var tempos: [Tempo]
  public var timeSignatures: [TimeSignature]
  public var keySignatures: [KeySignature]
  public var markers: [Marker]
  public var texts: [TextEvent]
  public var provenance: [Provenance]

  public init(
    title: String, tracks: [Track] = [], tempos: [Tempo] = [Tempo(beat: 0, bpm: 120)],
    timeSignatures: [TimeSignature] = [TimeSignature(beat: 0, numerator: 4, denominator: 4)],
    keySignatures: [KeySignature] = [], markers: [Marker] = [], texts: [TextEvent] = [], provenance: [Provenance] = []
  ) {
    self.title = title
    self.tracks = tracks
    self.tempos = tempos
    self.timeSignatures = timeSignatures
    self.keySignatures = keySignatures
    self.markers = markers
    self.texts = texts
    self.provenance = provenance
  }

  /// The end of the last note (or event), in beats.
  public var length: Double {
    var end = 0.0
    for t in tracks {
      for n in t.notes { end = max(end, n.end) }
      for c in t.controls { end = max(end, c.beat) }
      for b in t.bends { end = max(end, b.beat) }
      for l in t.lyrics { end = max(end, l.beat) }
    }
    for m in markers { end = max(end, m.beat) }
    return end
  }

  /// Seconds at `beat`, following the tempo map.
  public func seconds(atBeat beat: Double) -> Double {
    let map = tempos.sorted { $0.beat < $1.beat }
    var seconds = 0.0
    var position = 0.0
    var bpm = map.first?.bpm ?? 120
    for t in map where t.beat > 0 {
      if t.beat >= beat { break }
      seconds += (t.beat - position) * 60 / bpm
      position = t.beat
      bpm = t.bpm
    }
    return seconds + (beat - position) * 60 / bpm
  }
}
