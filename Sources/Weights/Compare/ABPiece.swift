public import Score

/// One file that alternates the sections of two renditions of the same piece: A's first
/// section, then B's, then A's second, and so on, each introduced by a marker "A: name" or
/// "B: name", so a listener hears the same passage from each model back to back.
public enum ABPiece {
  public static func alternate(_ a: Score, _ b: Score) -> Score {
    let sectionsA = a.markers.filter { !$0.text.contains("layer") }
    var result = Score(title: "A/B: \(a.title) | \(b.title)", tempos: [], timeSignatures: a.timeSignatures, keySignatures: a.keySignatures)
    result.tracks = a.tracks.map {
      var t = $0
      t.notes = []
      t.controls = []
      t.bends = []
      t.lyrics = []
      return t
    }
    result.provenance = a.provenance + b.provenance
    var offset = 0.0
    let boundaries = sectionsA.map(\.beat) + [max(a.length, b.length)]
    for (i, marker) in sectionsA.enumerated() {
      let start = marker.beat, end = boundaries[i + 1]
      guard end > start else { continue }
      for (label, source, shift) in [("A", a, 0), ("B", b, a.provenance.count)] {
        let part = source.excerpt(from: start, to: end, title: "")
        result.markers.append(Score.Marker(beat: offset, text: "\(label): \(marker.text)"))
        result.tempos.append(Score.Tempo(beat: offset, bpm: part.tempos.first?.bpm ?? 120))
        for (k, track) in part.tracks.enumerated() where k < result.tracks.count {
          result.tracks[k].notes += track.notes.map {
            Note(onset: $0.onset + offset, duration: $0.duration, pitch: $0.pitch, velocity: $0.velocity, provenance: $0.provenance.map { $0 + shift })
          }
          result.tracks[k].controls += track.controls.map { ControlChange(beat: $0.beat + offset, controller: $0.controller, value: $0.value) }
          result.tracks[k].bends += track.bends.map { PitchBend(beat: $0.beat + offset, semitones: $0.semitones) }
        }
        offset += end - start
      }
    }
    return result
  }
}
