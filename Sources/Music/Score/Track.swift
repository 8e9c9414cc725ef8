/// One part: an instrument on an explicitly chosen MIDI channel.
public struct Track: Sendable, Hashable, Codable {
  /// The part's name ("Violins", "Bass", "Acid"), written as the MIDI track name.
  public var name: String
  /// MIDI channel, 0…15 (9 is General MIDI percussion).
  public var channel: Int
  /// General MIDI program, 0…127 (ignored for drums).
  public var program: Int
  /// Bank, 0…16383 (written as CC 0/32 when not 0).
  public var bank: Int
  public var isDrum: Bool
  /// The built-in synthesizer patch that plays this part ("pluck", "fm-bass", "tb303", ...).
  public var patch: String
  /// Pitch-bend range in semitones, set by RPN 0 before the first bend.
  public var pitchBendRange: Int
  public var notes: [Note]
  public var controls: [ControlChange]
  public var bends: [PitchBend]
  public var lyrics: [TextEvent]

  public init(
    name: String, channel: Int, program: Int = 0, bank: Int = 0, isDrum: Bool = false, patch: String = "",
    pitchBendRange: Int = 2, notes: [Note] = [], controls: [ControlChange] = [], bends: [PitchBend] = [],
    lyrics: [TextEvent] = []
  ) {
    self.name = name
    self.channel = channel
    self.program = program
    self.bank = bank
    self.isDrum = isDrum
    self.patch = patch
    self.pitchBendRange = pitchBendRange
    self.notes = notes
    self.controls = controls
    self.bends = bends
    self.lyrics = lyrics
  }

  /// Notes in the order they are written to files (and listed in the provenance table):
  /// by onset, then pitch, then duration.
  public var orderedNotes: [Note] {
    notes.sorted { ($0.onset, $0.pitch, $0.duration, $0.velocity) < ($1.onset, $1.pitch, $1.duration, $1.velocity) }
  }
}
