public import Foundation

extension Score {
  /// One row of the provenance table: a note as written to the MIDI file and its source.
  public struct ProvenanceEntry: Sendable, Hashable, Codable {
    public var track: String
    public var channel: Int
    public var onsetBeats: Double
    public var onsetSeconds: Double
    public var durationBeats: Double
    public var pitch: Int
    public var velocity: Int
    public var tensor: String?
    public var role: String?
    public var layer: Int?
    public var statistic: String?
    public var index: Int?
    public var value: Double?

    enum CodingKeys: String, CodingKey {
      case track, channel, pitch, velocity, tensor, role, layer, statistic, index, value
      case onsetBeats = "onset_beats"
      case onsetSeconds = "onset_seconds"
      case durationBeats = "duration_beats"
    }
  }

  /// The provenance table: one entry per note, in the order the notes appear in the MIDI file
  /// (tracks in order, each track's notes by onset, pitch and duration).
  public var provenanceTable: [ProvenanceEntry] {
    tracks.flatMap { track in
      track.writtenNotes().map { written in
        let n = written.note
        let p = n.provenance.flatMap { provenance.indices.contains($0) ? provenance[$0] : nil }
        return ProvenanceEntry(
          track: track.name, channel: track.channel, onsetBeats: n.onset, onsetSeconds: seconds(atBeat: n.onset),
          durationBeats: n.duration, pitch: n.pitch, velocity: n.velocity, tensor: p?.tensor, role: p?.role,
          layer: p?.layer, statistic: p?.statistic, index: p?.index, value: p?.value)
      }
    }
  }

  /// The provenance table as JSON: `{"notes": [...]}`.
  public func provenanceJSON() throws -> Data {
    struct File: Encodable { var notes: [ProvenanceEntry] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(File(notes: provenanceTable))
  }
}
