extension Score {
  /// The part of the score between two beats, moved to start at 0: notes that start inside
  /// (clipped at the end), controllers and bends inside, and the conductor's signatures.
  public func excerpt(from start: Double, to end: Double, title: String) -> Score {
    var s = self
    s.title = title
    s.markers = markers.filter { $0.beat >= start && $0.beat < end }.map { Marker(beat: $0.beat - start, text: $0.text) }
    s.texts = []
    s.tempos = [Tempo(beat: 0, bpm: tempos.last { $0.beat <= start }?.bpm ?? tempos.first?.bpm ?? 120)]
    s.tracks = tracks.map { t in
      var t = t
      t.notes = t.notes.filter { $0.onset >= start && $0.onset < end }.map {
        Note(onset: $0.onset - start, duration: min($0.duration, end - $0.onset), pitch: $0.pitch, velocity: $0.velocity, provenance: $0.provenance)
      }
      t.controls = t.controls.filter { $0.beat >= start && $0.beat < end }.map { ControlChange(beat: $0.beat - start, controller: $0.controller, value: $0.value) }
      t.bends = t.bends.filter { $0.beat >= start && $0.beat < end }.map { PitchBend(beat: $0.beat - start, semitones: $0.semitones) }
      t.lyrics = t.lyrics.filter { $0.beat >= start && $0.beat < end }.map { TextEvent(beat: $0.beat - start, text: $0.text, kind: $0.kind) }
      return t
    }
    return s
  }
}
