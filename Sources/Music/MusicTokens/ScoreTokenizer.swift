public import Score

/// Turns a score into event tokens and any token sequence back into a score.
///
/// Encoding: every pitched part is merged into one stream (drum parts are left out: the
/// vocabulary has no drum tokens, and a GM drum key read as a pitch would be a wrong note);
/// onsets and ends are rounded to the grid (a note keeps at least one step); a note that
/// starts while the same pitch sounds cuts the earlier one there (unisons of two voices become
/// one note, ending at the later end). The stream is BOS, the genre token if asked, then per
/// instant: TIME_SHIFTs to reach it (32 steps at most each), its NOTE_OFFs by rising pitch,
/// its NOTE_ONs by rising pitch; then EOS. So the same score always gives the same ids, and
/// ``normalise(_:)`` is exactly what decoding the ids gives back.
///
/// Decoding accepts any ids: a NOTE_OFF without its NOTE_ON is dropped, a NOTE_ON of a pitch
/// already sounding restarts it, a note opened and closed at one instant is dropped, notes
/// still sounding at EOS (or at the end) are closed there (one step at least), PAD, BOS, genre
/// tokens and ids outside the vocabulary are ignored, and EOS ends the piece.
public struct ScoreTokenizer: Sendable, Hashable {
  public var vocabulary: EventVocabulary

  public init(vocabulary: EventVocabulary = EventVocabulary()) {
    self.vocabulary = vocabulary
  }

  /// The score's pitched notes on the grid, as encoding sees them: merged, quantised, without
  /// same-pitch overlaps, sorted by onset then pitch.
  public func normalise(_ score: Score) -> [GridNote] {
    let steps = Double(vocabulary.stepsPerQuarter)
    var notes: [GridNote] = []
    for track in score.tracks where !track.isDrum {
      for n in track.notes where (0..<EventVocabulary.pitchCount).contains(n.pitch) && n.duration > 0 {
        let onset = max(0, Int((n.onset * steps).rounded()))
        let end = max(onset + 1, Int((n.end * steps).rounded()))
        notes.append(GridNote(onset: onset, end: end, pitch: n.pitch))
      }
    }
    return Self.resolveOverlaps(notes)
  }

  /// Merges unisons and cuts a sounding note where the same pitch starts again.
  static func resolveOverlaps(_ notes: [GridNote]) -> [GridNote] {
    let byPitch = notes.sorted { ($0.pitch, $0.onset, $0.end) < ($1.pitch, $1.onset, $1.end) }
    var out: [GridNote] = []
    out.reserveCapacity(byPitch.count)
    for n in byPitch {
      if var last = out.last, last.pitch == n.pitch, n.onset < last.end {
        if n.onset == last.onset {
          last.end = max(last.end, n.end)
          out[out.count - 1] = last
          continue
        }
        out[out.count - 1].end = n.onset
      }
      out.append(n)
    }
    return out.sorted()
  }

  /// The ids of a score: BOS, [GENRE], events, EOS.
  public func encode(_ score: Score, genre: Int? = nil) -> [Int] { encode(normalise(score), genre: genre) }

  /// The ids of notes already on the grid (they must be as ``normalise(_:)`` leaves them).
  public func encode(_ notes: [GridNote], genre: Int? = nil) -> [Int] {
    var events: [(time: Int, order: Int, pitch: Int)] = []
    events.reserveCapacity(notes.count * 2)
    for n in notes {
      events.append((n.onset, 1, n.pitch))
      events.append((n.end, 0, n.pitch))
    }
    events.sort { ($0.time, $0.order, $0.pitch) < ($1.time, $1.order, $1.pitch) }
    var ids = [EventVocabulary.bos]
    ids.reserveCapacity(events.count + events.count / 2 + 3)
    if let genre { ids.append(vocabulary.id(.genre(genre))) }
    var now = 0
    for e in events {
      var gap = e.time - now
      while gap > 0 {
        let shift = min(gap, EventVocabulary.maximumShift)
        ids.append(vocabulary.id(.timeShift(shift)))
        gap -= shift
      }
      now = e.time
      ids.append(vocabulary.id(e.order == 0 ? .noteOff(e.pitch) : .noteOn(e.pitch)))
    }
    ids.append(EventVocabulary.eos)
    return ids
  }

  /// The notes any id sequence stands for (see the type's notes on decoding).
  public func decode(_ ids: some Sequence<Int>) -> [GridNote] {
    var now = 0
    var open: [Int: Int] = [:]
    var notes: [GridNote] = []
    loop: for id in ids {
      switch vocabulary.token(id) {
      case .timeShift(let n): now += n
      case .noteOn(let p):
        if let start = open[p] {
          if start == now { continue }
          notes.append(GridNote(onset: start, end: now, pitch: p))
        }
        open[p] = now
      case .noteOff(let p):
        guard let start = open.removeValue(forKey: p), start < now else { continue }
        notes.append(GridNote(onset: start, end: now, pitch: p))
      case .eos: break loop
      default: continue
      }
    }
    for (p, start) in open { notes.append(GridNote(onset: start, end: max(now, start + 1), pitch: p)) }
    return notes.sorted()
  }

  /// A one-part score (piano, channel 1, velocity `velocity`) from ids, at `bpm`.
  public func score(_ ids: some Sequence<Int>, title: String, bpm: Double = 120, program: Int = 0, velocity: Int = 80) -> Score {
    score(notes: decode(ids), title: title, bpm: bpm, program: program, velocity: velocity)
  }

  /// A one-part score from grid notes.
  public func score(notes: [GridNote], title: String, bpm: Double = 120, program: Int = 0, velocity: Int = 80) -> Score {
    let steps = Double(vocabulary.stepsPerQuarter)
    let track = Track(
      name: "Piano", channel: 0, program: program,
      notes: notes.map { Note(onset: Double($0.onset) / steps, duration: Double($0.end - $0.onset) / steps, pitch: $0.pitch, velocity: velocity) })
    return Score(title: title, tracks: [track], tempos: [Score.Tempo(beat: 0, bpm: bpm)])
  }
}
