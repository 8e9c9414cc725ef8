public import Score

/// What the page's piano roll draws: every note in seconds with its part and provenance, the
/// section markers, and the score's length. Notes are arrays, not objects, to keep the file
/// small (an opera has several thousand).
public struct PianoRoll: Sendable, Hashable, Codable {
  public struct Part: Sendable, Hashable, Codable {
    public var name: String
    public var channel: Int
    public var drum: Bool
  }

  public struct Marker: Sendable, Hashable, Codable {
    /// Seconds from the start.
    public var time: Double
    public var text: String
  }

  public var title: String
  /// Seconds to the end of the last note.
  public var duration: Double
  public var parts: [Part]
  public var markers: [Marker]
  /// `[part, onset s, end s, pitch, velocity, provenance index or -1]`, in MIDI file order.
  public var notes: [[Double]]
  /// The score's provenance table; notes point into it.
  public var provenance: [Provenance]

  public init(_ score: Score) {
    title = score.title
    duration = score.seconds(atBeat: score.length)
    parts = score.tracks.map { Part(name: $0.name, channel: $0.channel, drum: $0.isDrum) }
    markers = score.markers.map { Marker(time: score.seconds(atBeat: $0.beat), text: $0.text) }
    notes = score.tracks.enumerated().flatMap { (i, track) in
      track.writtenNotes().map { written -> [Double] in
        let n = written.note
        let p = n.provenance.flatMap { score.provenance.indices.contains($0) ? $0 : nil } ?? -1
        return [Double(i), score.seconds(atBeat: n.onset), score.seconds(atBeat: n.end), Double(n.pitch), Double(n.velocity), Double(p)]
      }
    }
    provenance = score.provenance
  }
}
