public import Score

extension MusicXMLWriter {
  /// One bar of the written score, in grid units from the start of the piece.
  package struct Measure: Equatable {
    /// First grid unit of the bar.
    package var start: Int
    /// Length in grid units: the time signature's bar, or less when the next signature comes
    /// before the bar would end.
    package var length: Int
    package var time: Score.TimeSignature
    /// The key in force at the bar line, `nil` before the score's first key signature.
    package var key: Score.KeySignature?
    /// Whether the bar opens with a new `<time>` (the first bar, or a changed signature).
    package var showsTime: Bool
    /// Whether the bar opens with a new `<key>` (the first bar, or a changed key).
    package var showsKey: Bool

    package var end: Int { start + length }
  }

  /// The bars that cover `units` grid units, following the score's time-signature map.
  ///
  /// A time signature starts a bar at its own beat (a bar it interrupts is written short, the way
  /// a MIDI file with a mid-bar meter change sounds). A key signature takes effect at the first
  /// bar line at or after its beat, since notation changes key only at a bar line. Before the
  /// first time signature the score is in 4/4, as in a MIDI file.
  package func measures(of score: Score, covering units: Int) throws(ScoreError) -> [Measure] {
    var times = score.timeSignatures.sorted { $0.beat < $1.beat }
    if times.first.map({ unit($0.beat) > 0 }) ?? true {
      times.insert(Score.TimeSignature(beat: 0, numerator: 4, denominator: 4), at: 0)
    }
    for t in times {
      let bar = t.beatsPerBar / grid
      guard bar == bar.rounded(), bar >= 1 else {
        throw ScoreError("time signature \(t.numerator)/\(t.denominator) does not fit the MusicXML grid of \(grid) beat")
      }
    }
    let keys = score.keySignatures.sorted { $0.beat < $1.beat }
    var result: [Measure] = []
    var start = 0
    var next = 0  // index of the first time signature not yet in force
    repeat {
      while next < times.count && unit(times[next].beat) <= start { next += 1 }
      let time = times[next - 1]
      var length = Int((time.beatsPerBar / grid).rounded())
      if next < times.count { length = min(length, unit(times[next].beat) - start) }
      let key = keys.last { unit($0.beat) <= start }
      let previous = result.last
      result.append(
        Measure(
          start: start, length: length, time: time, key: key,
          showsTime: previous.map { ($0.time.numerator, $0.time.denominator) != (time.numerator, time.denominator) } ?? true,
          showsKey: previous.map { ($0.key?.fifths, $0.key?.minor) != (key?.fifths, key?.minor) } ?? true))
      start += length
    } while start < units
    return result
  }
}
