public import Foundation

extension Score {
  /// One row of the provenance table: a note as written to the MIDI file and its source.
  public struct ProvenanceEntry: Sendable, Hashable, Codable {
    public var track: String
    public var channel: Int
    public var onset_beats: Double
    public var onset_seconds: Double
    public var duration_beats: Double
    public var pitch: Int
    public var velocity: Int
    public var tensor: String?
    public var role: String?
    public var layer: Int?
    public var statistic: String?
    public var index: Int?
    public var value: Double?
  }

  /// The provenance table: one entry per note, in the order the notes appear in the MIDI file
  /// (tracks in order, each track's notes by onset, pitch and duration).
  public var provenanceTable: [ProvenanceEntry] {
    tracks.flatMap { track in
      track.writtenNotes().map { written in
        let n = written.note
        let p = n.provenance.flatMap { provenance.indices.contains($0) ? provenance[$0] : nil }
        return ProvenanceEntry(
          track: track.name, channel: track.channel, onset_beats: n.onset, onset_seconds: seconds(atBeat: n.onset),
          duration_beats: n.duration, pitch: n.pitch, velocity: n.velocity, tensor: p?.tensor, role: p?.role,
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
