public import Foundation
public import Score

/// Reads partwise MusicXML (1.0–4.0) into a ``Score``.
///
/// What is read: parts (name, MIDI program), notes, rests, chords, ties (merged into one
/// note), voices, `backup` and `forward`, `divisions` (changing mid-part too), tuplets (through
/// each note's duration), time and key signatures and tempo marks (`sound tempo`, from any
/// part, once per beat), transposing parts (`transpose/chromatic`, so notes sound as written
/// for the instrument: the same as music21's `toSoundingPitch()`), unpitched notes (at their
/// display position).
///
/// Choices, documented: grace notes are skipped (they take no written time; music21 gives them
/// a duration of zero); cue notes are skipped; repeats and endings are ignored, so a piece is
/// read once through as written (music21's default too); dynamics are not read, every note has
/// velocity ``velocity``. A measure lasts as long as the furthest point its notes, backups
/// and forwards reach, so a pickup measure is short and the next measure starts where it ends.
/// Score-timewise files are refused with a message.
public enum MusicXMLReader {
  /// The MIDI velocity of every note read (MusicXML dynamics are not read).
  public static let velocity = 80

  public static func read(_ data: Data, file: String, title: String) throws(ScoreReadError) -> Score {
    let root: XMLElementNode
    switch XMLTree.parse(data) {
    case .success(let tree): root = tree
    case .failure(let e): throw ScoreReadError(file: file, .line(e.line), e.message)
    }
    guard root.name != "score-timewise" else {
      throw ScoreReadError(file: file, "score-timewise MusicXML is not read; convert it to partwise")
    }
    guard root.name == "score-partwise" else {
      throw ScoreReadError(file: file, .line(root.line), "root element <\(root.name)> is not <score-partwise>")
    }
    var score = Score(title: title, tempos: [], timeSignatures: [])
    if let t = root.child("movement-title")?.text ?? root.child("work")?.value("work-title"), !t.isEmpty { score.title = t }

    // The part list: names and programs, by part id.
    var names: [String: String] = [:]
    var programs: [String: Int] = [:]
    var unpitchedParts: Set<String> = []
    for sp in root.child("part-list")?.all("score-part") ?? [] {
      guard let id = sp.attributes["id"] else { continue }
      names[id] = sp.value("part-name") ?? id
      if let mi = sp.child("midi-instrument") {
        if let p = mi.number("midi-program") { programs[id] = Int(p) - 1 }
        if let ch = mi.number("midi-channel"), Int(ch) == 10 { unpitchedParts.insert(id) }
      }
    }

    var channel = 0
    var signatures = Signatures()
    for (index, part) in root.all("part").enumerated() {
      let id = part.attributes["id"] ?? "P\(index + 1)"
      var reader = PartReader(file: file, part: id)
      try reader.read(part, signatures: &signatures, isFirst: index == 0)
      let drum = unpitchedParts.contains(id)
      // Sixteen channels, drums on 10 (9 from 0); parts past fifteen share the last channel's track.
      if !drum && channel == 9 { channel += 1 }
      if !drum && channel > 15 {
        if let last = score.tracks.lastIndex(where: { !$0.isDrum }) { score.tracks[last].notes += reader.notes }
        continue
      }
      let program = min(127, max(0, programs[id] ?? 0))
      score.tracks.append(
        Track(name: names[id] ?? id, channel: drum ? 9 : channel, program: program, isDrum: drum, notes: reader.notes))
      if !drum { channel += 1 }
    }
    score.tempos = signatures.tempos.isEmpty ? [Score.Tempo(beat: 0, bpm: 120)] : signatures.tempos
    score.timeSignatures = signatures.times.isEmpty ? [Score.TimeSignature(beat: 0, numerator: 4, denominator: 4)] : signatures.times
    score.keySignatures = signatures.keys
    return score
  }

  /// The conductor's events, taken from every part, once per beat (the first part's win).
  struct Signatures {
    var tempos: [Score.Tempo] = []
    var times: [Score.TimeSignature] = []
    var keys: [Score.KeySignature] = []

    mutating func tempo(_ beat: Double, _ bpm: Double) {
      guard bpm > 0, bpm.isFinite, !tempos.contains(where: { abs($0.beat - beat) < 1e-9 }) else { return }
      tempos.append(Score.Tempo(beat: beat, bpm: bpm))
      tempos.sort { $0.beat < $1.beat }
    }
  }

  /// Walks one part's measures with a cursor in quarter notes.
  struct PartReader {
    let file: String
    let part: String
    var notes: [Note] = []
    /// Notes whose tie has started and not yet stopped, by MIDI pitch: index into `notes`.
    var openTies: [Int: Int] = [:]
    var divisions = 1.0
    var transpose = 0

    init(file: String, part: String) {
      self.file = file
      self.part = part
    }

    mutating func read(_ part: XMLElementNode, signatures: inout Signatures, isFirst: Bool) throws(ScoreReadError) {
      var measureStart = 0.0
      for measure in part.all("measure") {
        let number = measure.attributes["number"] ?? "?"
        func fail(_ reason: String) -> ScoreReadError { ScoreReadError(file: file, .measure(number, part: self.part), reason) }
        var cursor = 0.0  // quarters from the measure's start
        var furthest = 0.0
        var lastOnset = 0.0
        for element in measure.children {
          switch element.name {
          case "attributes":
            if let d = element.number("divisions") {
              guard d > 0, d.isFinite else { throw fail("divisions \(d) is not positive") }
              divisions = d
            }
            if let t = element.child("transpose"), let c = t.number("chromatic") {
              transpose = Int(c) + 12 * Int(t.number("octave-change") ?? 0)
            }
            if isFirst, let time = element.child("time"), let b = time.value("beats"), let bt = time.number("beat-type") {
              // Compound numerators ("3+2") are summed.
              let beats = b.split(separator: "+").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.reduce(0, +)
              let type = Int(bt)
              if beats > 0, type > 0, type & (type - 1) == 0 {
                let at = measureStart + cursor
                signatures.times.removeAll { abs($0.beat - at) < 1e-9 }
                signatures.times.append(Score.TimeSignature(beat: at, numerator: beats, denominator: type))
              }
            }
            if isFirst, let key = element.child("key"), let f = key.number("fifths") {
              let at = measureStart + cursor
              signatures.keys.removeAll { abs($0.beat - at) < 1e-9 }
              signatures.keys.append(Score.KeySignature(beat: at, fifths: max(-7, min(7, Int(f))), minor: key.value("mode") == "minor"))
            }
          case "direction":
            for sound in element.all("sound") {
              if let t = sound.attributes["tempo"].flatMap(Double.init) { signatures.tempo(measureStart + cursor, t) }
            }
          case "sound":
            if let t = element.attributes["tempo"].flatMap(Double.init) { signatures.tempo(measureStart + cursor, t) }
          case "backup":
            guard let d = element.number("duration"), d >= 0 else { throw fail("<backup> without a duration") }
            cursor -= d / divisions
            if cursor < -1e-9 { throw fail("<backup> goes before the measure's start") }
            cursor = max(0, cursor)
          case "forward":
            guard let d = element.number("duration"), d >= 0 else { throw fail("<forward> without a duration") }
            cursor += d / divisions
            furthest = max(furthest, cursor)
          case "note":
            if element.child("grace") != nil || element.child("cue") != nil { continue }
            guard let d = element.number("duration"), d >= 0, d.isFinite else { throw fail("a note without a duration") }
            let length = d / divisions
            let isChord = element.child("chord") != nil
            let onset = isChord ? lastOnset : cursor
            if !isChord {
              lastOnset = cursor
              cursor += length
              furthest = max(furthest, cursor)
            }
            guard element.child("rest") == nil, length > 0 else { continue }
            let pitch: Int
            if let p = element.child("pitch") {
              guard let step = p.value("step"), let octave = p.number("octave"), let base = MusicXMLReader.steps[step] else {
                throw fail("a pitch without step and octave")
              }
              pitch = (Int(octave) + 1) * 12 + base + Int((p.number("alter") ?? 0).rounded()) + transpose
            } else if let u = element.child("unpitched"), let step = u.value("display-step"), let octave = u.number("display-octave"),
              let base = MusicXMLReader.steps[step]
            {
              pitch = (Int(octave) + 1) * 12 + base
            } else {
              throw fail("a note with neither <pitch>, <unpitched> nor <rest>")
            }
            guard (0...127).contains(pitch) else { throw fail("pitch \(pitch) outside MIDI's 0…127") }
            let ties = Set(element.all("tie").compactMap { $0.attributes["type"] })
            add(onset: measureStart + onset, duration: length, pitch: pitch, tieStart: ties.contains("start"), tieStop: ties.contains("stop"))
          default:
            continue
          }
        }
        measureStart += furthest
      }
    }

    /// Adds a note, continuing a tied note of the same pitch that ends where this one starts.
    mutating func add(onset: Double, duration: Double, pitch: Int, tieStart: Bool, tieStop: Bool) {
      if tieStop, let i = openTies[pitch], abs(notes[i].end - onset) < 1e-6 {
        notes[i].duration = onset + duration - notes[i].onset
        if !tieStart { openTies[pitch] = nil }
        return
      }
      notes.append(Note(onset: onset, duration: duration, pitch: pitch, velocity: MusicXMLReader.velocity))
      if tieStart { openTies[pitch] = notes.count - 1 } else { openTies[pitch] = nil }
    }
  }

  /// Semitones above C for each step letter.
  static let steps: [String: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
}
