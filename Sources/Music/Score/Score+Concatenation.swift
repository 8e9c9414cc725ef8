extension Score {
  /// `other` placed after this score, starting at beat `offset`: its parts join this score's
  /// parts of the same name and channel (or are added), its tempo, time and key signatures,
  /// markers and texts are shifted by `offset`, and its notes' provenance follows them.
  public func appending(_ other: Score, at offset: Double) -> Score {
    var out = self
    let base = provenance.count
    out.provenance += other.provenance
    for var track in other.tracks {
      track.notes = track.notes.map { n in
        var n = n
        n.onset += offset
        n.provenance = n.provenance.map { $0 + base }
        return n
      }
      track.controls = track.controls.map { ControlChange(beat: $0.beat + offset, controller: $0.controller, value: $0.value) }
      track.bends = track.bends.map { PitchBend(beat: $0.beat + offset, semitones: $0.semitones) }
      track.lyrics = track.lyrics.map { TextEvent(beat: $0.beat + offset, text: $0.text, kind: $0.kind) }
      if let i = out.tracks.firstIndex(where: { $0.name == track.name && $0.channel == track.channel }) {
        out.tracks[i].notes += track.notes
        out.tracks[i].controls += track.controls
        out.tracks[i].bends += track.bends
        out.tracks[i].lyrics += track.lyrics
      } else {
        out.tracks.append(track)
      }
    }
    out.tempos += other.tempos.map { Tempo(beat: $0.beat + offset, bpm: $0.bpm) }
    out.timeSignatures += other.timeSignatures.map { TimeSignature(beat: $0.beat + offset, numerator: $0.numerator, denominator: $0.denominator) }
    out.keySignatures += other.keySignatures.map { KeySignature(beat: $0.beat + offset, fifths: $0.fifths, minor: $0.minor) }
    out.markers += other.markers.map { Marker(beat: $0.beat + offset, text: $0.text) }
    out.texts += other.texts.map { TextEvent(beat: $0.beat + offset, text: $0.text, kind: $0.kind) }
    return out
  }
}
