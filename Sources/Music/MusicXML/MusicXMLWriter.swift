import AtomicFile
import Theory
public import Score

/// Exports a score as MusicXML 4.0 (partwise), so it opens as notation in MuseScore, Finale,
/// Sibelius or Dorico.
///
/// One part per track with consistent ids (`P1`, `P2`, … in both `<part-list>` and the parts),
/// MIDI channel and program (1-based, as MusicXML counts); bars laid out by the score's
/// time-signature map, with `<time>` and `<key>` written wherever the meter or the key changes
/// (a key change lands on the next bar line; notes are spelt in the key: C♭ in G♭ major, G♯ in
/// A minor — see `Pitch.spelled(fifths:minor:)`); tempo marks; section markers as rehearsal
/// marks on the first part.
/// Notes and rests are quantised to ``grid`` beats; notes with the same onset and end become
/// chords, overlapping notes go to further voices (`<backup>`), and anything crossing a bar
/// line or needing an unwritable length is split into tied notes. Drum tracks become a
/// percussion part: unpitched notes on a percussion clef, one instrument per General MIDI key.
public struct MusicXMLWriter: Sendable {
  /// Quantisation grid in beats: 1, 1/2, 1/4 (default: sixteenth notes) or 1/8.
  public var grid: Double

  public init(grid: Double = 0.25) { self.grid = grid }

  /// Divisions per quarter note.
  var divisions: Int { max(1, Int((1 / grid).rounded())) }

  /// The whole document.
  public func document(for score: Score) throws(ScoreError) -> String {
    try score.validate()
    guard [1.0, 0.5, 0.25, 0.125].contains(grid) else { throw ScoreError("MusicXML grid must be 1, 1/2, 1/4 or 1/8 beat") }
    let measures = try measures(of: score, covering: Int((score.length / grid).rounded(.up)))
    var x = XMLBuilder()
    x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>")
    x.raw("<!DOCTYPE score-partwise PUBLIC \"-//Recordare//DTD MusicXML 4.0 Partwise//EN\" \"http://www.musicxml.org/dtds/partwise.dtd\">")
    x.open("score-partwise", ["version": "4.0"])
    x.open("work")
    x.leaf("work-title", score.title)
    x.close("work")
    x.open("identification")
    x.open("encoding")
    x.leaf("software", "Eigentone")
    x.close("encoding")
    x.close("identification")
    x.open("part-list")
    for (i, track) in score.tracks.enumerated() { partListEntry(&x, track: track, id: "P\(i + 1)") }
    x.close("part-list")
    for (i, track) in score.tracks.enumerated() {
      part(&x, track: track, id: "P\(i + 1)", score: score, measures: measures, isFirst: i == 0)
    }
    x.close("score-partwise")
    return x.text
  }

  /// Writes the document atomically.
  public func write(_ score: Score, to path: String) throws {
    try AtomicFile.write(Array(try document(for: score).utf8), to: path)
  }

  // MARK: - Parts

  func partListEntry(_ x: inout XMLBuilder, track: Track, id: String) {
    x.open("score-part", ["id": id])
    x.leaf("part-name", track.name)
    if track.isDrum {
      for key in Set(track.notes.map(\.pitch)).sorted() {
        x.open("score-instrument", ["id": "\(id)-I\(key + 1)"])
        x.leaf("instrument-name", GMDrum.notationName(key: key))
        x.close("score-instrument")
      }
      for key in Set(track.notes.map(\.pitch)).sorted() {
        x.open("midi-instrument", ["id": "\(id)-I\(key + 1)"])
        x.leaf("midi-channel", "\(track.channel + 1)")
        x.leaf("midi-unpitched", "\(key + 1)")
        x.close("midi-instrument")
      }
    } else {
      x.open("score-instrument", ["id": "\(id)-I1"])
      x.leaf("instrument-name", track.name)
      x.close("score-instrument")
      x.open("midi-instrument", ["id": "\(id)-I1"])
      x.leaf("midi-channel", "\(track.channel + 1)")
      x.leaf("midi-program", "\(track.program + 1)")
      x.close("midi-instrument")
    }
    x.close("score-part")
  }

  /// A run of notes sharing onset and end (a chord), in grid units.
  struct Event {
    var on: Int
    var off: Int
    var pitches: [Int]
    var lyric: String?
  }

  func voices(of track: Track) -> [[Event]] {
    var groups: [String: Event] = [:]
    var order: [String] = []
    let lyrics = Dictionary(track.lyrics.map { (Int(($0.beat / grid).rounded()), $0.text) }, uniquingKeysWith: { a, b in a + " " + b })
    for w in track.writtenNotes() {
      let on = Int((w.note.onset / grid).rounded())
      let off = max(on + 1, Int((w.note.end / grid).rounded()))
      let key = "\(on):\(off)"
      if groups[key] == nil {
        order.append(key)
        groups[key] = Event(on: on, off: off, pitches: [], lyric: lyrics[on])
      }
      if groups[key]?.pitches.contains(w.note.pitch) == false { groups[key]?.pitches.append(w.note.pitch) }
    }
    let events = order.compactMap { groups[$0] }.sorted { ($0.on, $0.off) < ($1.on, $1.off) }
    var voices: [[Event]] = []
    for e in events {
      if let v = voices.firstIndex(where: { ($0.last?.off ?? 0) <= e.on }) {
        voices[v].append(e)
      } else {
        voices.append([e])
      }
    }
    return voices
  }

  func part(_ x: inout XMLBuilder, track: Track, id: String, score: Score, measures: [Measure], isFirst: Bool) {
    let voiceList = voices(of: track)
    let meanPitch = track.notes.isEmpty ? 60.0 : Double(track.notes.map(\.pitch).reduce(0, +)) / Double(track.notes.count)
    x.open("part", ["id": id])
    for (m, measure) in measures.enumerated() {
      let start = measure.start, end = measure.end, measureLength = measure.length
      x.open("measure", ["number": "\(m + 1)"])
      if m == 0 || measure.showsKey || measure.showsTime {
        x.open("attributes")
        if m == 0 { x.leaf("divisions", "\(divisions)") }
        if measure.showsKey {
          x.open("key")
          x.leaf("fifths", "\(measure.key?.fifths ?? 0)")
          x.leaf("mode", measure.key?.minor == true ? "minor" : "major")
          x.close("key")
        }
        if measure.showsTime {
          x.open("time")
          x.leaf("beats", "\(measure.time.numerator)")
          x.leaf("beat-type", "\(measure.time.denominator)")
          x.close("time")
        }
      }
      if m == 0 {
        x.open("clef")
        if track.isDrum {
          x.leaf("sign", "percussion")
        } else if meanPitch < 57 {
          x.leaf("sign", "F")
          x.leaf("line", "4")
        } else {
          x.leaf("sign", "G")
          x.leaf("line", "2")
        }
        x.close("clef")
      }
      if m == 0 || measure.showsKey || measure.showsTime { x.close("attributes") }
      if isFirst {
        for t in score.tempos where unit(t.beat) >= start && unit(t.beat) < end {
          tempo(&x, bpm: t.bpm, offset: unit(t.beat) - start)
        }
        for marker in score.markers where unit(marker.beat) >= start && unit(marker.beat) < end {
          x.open("direction", ["placement": "above"])
          x.open("direction-type")
          x.leaf("words", marker.text)
          x.close("direction-type")
          let offset = unit(marker.beat) - start
          if offset > 0 { x.leaf("offset", "\(offset)") }
          x.close("direction")
        }
      }
      var wroteVoice = false
      for (v, events) in voiceList.enumerated() {
        let inMeasure = events.filter { $0.on < end && $0.off > start }
        if v > 0 && inMeasure.isEmpty { continue }
        if wroteVoice {
          x.open("backup")
          x.leaf("duration", "\(measureLength)")
          x.close("backup")
        }
        wroteVoice = true
        var cursor = start
        for e in inMeasure {
          let from = max(e.on, start), to = min(e.off, end)
          if from > cursor { rest(&x, length: from - cursor, voice: v + 1, wholeMeasure: false) }
          let tiedFromBefore = e.on < start
          let tiesAfter = e.off > end
          notes(
            &x, event: e, length: to - from, voice: v + 1, track: track, id: id, key: key(at: e.on, in: measures),
            tieIn: tiedFromBefore, tieOut: tiesAfter, lyric: from == e.on ? e.lyric : nil)
          cursor = to
        }
        if cursor < end { rest(&x, length: end - cursor, voice: v + 1, wholeMeasure: cursor == start) }
      }
      if voiceList.isEmpty { rest(&x, length: measureLength, voice: 1, wholeMeasure: true) }
      x.close("measure")
    }
    x.close("part")
  }

  func unit(_ beat: Double) -> Int { Int((beat / grid).rounded()) }

  /// The key a note starting at grid unit `on` is spelt in: the one in force in its first bar,
  /// so every tied piece of it keeps one spelling across a key change.
  func key(at on: Int, in measures: [Measure]) -> Score.KeySignature? {
    var low = 0, high = measures.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if measures[mid].start <= on { low = mid } else { high = mid - 1 }
    }
    return measures[low].key
  }

  func tempo(_ x: inout XMLBuilder, bpm: Double, offset: Int) {
    let value = (bpm * 100).rounded() / 100
    let text = value == value.rounded() ? "\(Int(value))" : "\(value)"
    x.open("direction", ["placement": "above"])
    x.open("direction-type")
    x.open("metronome")
    x.leaf("beat-unit", "quarter")
    x.leaf("per-minute", text)
    x.close("metronome")
    x.close("direction-type")
    if offset > 0 { x.leaf("offset", "\(offset)") }
    x.empty("sound", ["tempo": text])
    x.close("direction")
  }

  /// Note values writable as one symbol, longest first: (length in divisions, type, dots).
  var writable: [(Int, String, Int)] {
    let d = divisions
    var list: [(Int, String, Int)] = []
    for (factor, name) in [(4.0, "whole"), (2, "half"), (1, "quarter"), (0.5, "eighth"), (0.25, "16th"), (0.125, "32nd")] {
      let plain = Double(d) * factor
      let dotted = plain * 1.5
      if dotted == dotted.rounded() && dotted >= 1 { list.append((Int(dotted), name, 1)) }
      if plain == plain.rounded() && plain >= 1 { list.append((Int(plain), name, 0)) }
    }
    return list.sorted { $0.0 > $1.0 }
  }

  /// Splits a length into writable note values.
  func pieces(_ length: Int) -> [(Int, String, Int)] {
    var left = length
    var out: [(Int, String, Int)] = []
    while left > 0 {
      guard let piece = writable.first(where: { $0.0 <= left }) else { break }
      out.append(piece)
      left -= piece.0
    }
    return out
  }

  func rest(_ x: inout XMLBuilder, length: Int, voice: Int, wholeMeasure: Bool) {
    if wholeMeasure {
      x.open("note")
      x.empty("rest", ["measure": "yes"])
      x.leaf("duration", "\(length)")
      x.leaf("voice", "\(voice)")
      x.close("note")
      return
    }
    for (len, type, dots) in pieces(length) {
      x.open("note")
      x.empty("rest")
      x.leaf("duration", "\(len)")
      x.leaf("voice", "\(voice)")
      x.leaf("type", type)
      for _ in 0..<dots { x.empty("dot") }
      x.close("note")
    }
  }

  func notes(
    _ x: inout XMLBuilder, event: Event, length: Int, voice: Int, track: Track, id: String, key: Score.KeySignature?, tieIn: Bool,
    tieOut: Bool, lyric: String?
  ) {
    let parts = pieces(length)
    for (k, (len, type, dots)) in parts.enumerated() {
      let stop = tieIn || k > 0
      let start = tieOut || k < parts.count - 1
      for (c, pitch) in event.pitches.sorted().enumerated() {
        x.open("note")
        if c > 0 { x.empty("chord") }
        if track.isDrum {
          let (step, octave) = GMDrum.staffPosition(key: pitch)
          x.open("unpitched")
          x.leaf("display-step", step)
          x.leaf("display-octave", "\(octave)")
          x.close("unpitched")
        } else {
          let spelling = Pitch(clamping: pitch).spelled(fifths: key?.fifths ?? 0, minor: key?.minor ?? false)
          x.open("pitch")
          x.leaf("step", spelling.step)
          if spelling.alter != 0 { x.leaf("alter", "\(spelling.alter)") }
          x.leaf("octave", "\(spelling.octave)")
          x.close("pitch")
        }
        x.leaf("duration", "\(len)")
        if stop { x.empty("tie", ["type": "stop"]) }
        if start { x.empty("tie", ["type": "start"]) }
        if track.isDrum { x.empty("instrument", ["id": "\(id)-I\(pitch + 1)"]) }
        x.leaf("voice", "\(voice)")
        x.leaf("type", type)
        for _ in 0..<dots { x.empty("dot") }
        if stop || start {
          x.open("notations")
          if stop { x.empty("tied", ["type": "stop"]) }
          if start { x.empty("tied", ["type": "start"]) }
          x.close("notations")
        }
        if let lyric, k == 0, c == 0 {
          x.open("lyric")
          x.leaf("text", lyric)
          x.close("lyric")
        }
        x.close("note")
      }
    }
  }
}
