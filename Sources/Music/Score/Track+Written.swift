extension Track {
  /// The notes exactly as a file will hold them, in file order: onsets and ends on a grid of
  /// `1/ticksPerQuarter` beat, at least one tick long; of two notes of the same pitch that
  /// start on the same tick only the first (in ``orderedNotes`` order) is kept, and a note
  /// still sounding when the same pitch starts again ends there (one key cannot sound twice
  /// on one channel). The MIDI writer and the provenance table both use this list, so their
  /// note counts always agree.
  public func writtenNotes(ticksPerQuarter: Int = 480) -> [(note: Note, on: Int, off: Int)] {
    let tpq = Double(ticksPerQuarter)
    var result: [(note: Note, on: Int, off: Int)] = []
    var lastIndexByPitch: [Int: Int] = [:]
    for n in orderedNotes {
      let on = Int((n.onset * tpq).rounded())
      let off = max(on + 1, Int((n.end * tpq).rounded()))
      if let i = lastIndexByPitch[n.pitch] {
        if result[i].on == on { continue }
        if result[i].off > on { result[i].off = on }
      }
      lastIndexByPitch[n.pitch] = result.count
      result.append((n, on, off))
    }
    return result
  }
}
