public import Foundation
public import Score

/// Reads Humdrum **kern into a ``Score``: one part per `**kern` spine (its sub-spines after
/// `*^` belong to it), the top part first.
///
/// Time follows Humdrum's rule: a data line lasts until the earliest end of any kern event
/// sounding on it, so `.` (null) tokens continue notes and every spine keeps its own rhythm.
/// Read: durations (`4` a quarter, `0` a breve, `00` a long, dots, tuplet values such as 3, 6,
/// 12, and rational `3%2`), pitches (`c` middle C, `cc` above, `C` and `CC` below; `#`, `-`,
/// `n`), rests, chords (space-separated), ties (`[`, `_`, `]`, merged into one note),
/// barlines, spine splits and joins (`*^`, `*v`), exchanges (`*x`), terminations (`*-`) and
/// additions (`*+`), meter (`*M3/4`), tempo (`*MM72`), key signature (`*k[f#c#]`) and key
/// (`*G:`, `*a:` minor). Other spines (`**dynam`, `**text`, …) are carried but not read.
/// Choices, documented: grace notes (`q`, `Q`) are skipped; repeat expansions (`*>[A,A,B]`)
/// are ignored, so a piece is read once through, as written; velocity is
/// ``MusicXMLReader/velocity``.
public enum KernReader {
  public static func read(_ data: Data, file: String, title: String) throws(ScoreReadError) -> Score {
    var parser = Parser(file: file, title: title)
    let text = String(decoding: data, as: UTF8.self)
    var number = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      var line = Substring(raw)
      if line.last == "\r" { line = line.dropLast() }
      try parser.line(line, number: number)
    }
    return try parser.finish()
  }

  struct Spine {
    var isKern: Bool
    /// Index of the exclusive spine this one descends from (its part).
    var part: Int
    /// Beat at which its current event ends.
    var end: Double
  }

  struct Part {
    var name: String
    var notes: [Note] = []
    var openTies: [Int: Int] = [:]
  }

  struct Parser {
    let file: String
    var title: String
    var spines: [Spine] = []
    var parts: [Part] = []
    var started = false
    var finished = false
    /// The beat at which the next data line occurs.
    var now = 0.0
    var signatures = MusicXMLReader.Signatures()

    init(file: String, title: String) {
      self.file = file
      self.title = title
    }

    func fail(_ n: Int, _ reason: String) -> ScoreReadError { ScoreReadError(file: file, .line(n), reason) }

    mutating func line(_ line: Substring, number n: Int) throws(ScoreReadError) {
      if line.isEmpty || finished { return }
      if line.hasPrefix("!!") {
        if line.hasPrefix("!!!OTL:") { title = line.dropFirst(7).trimmingCharacters(in: .whitespaces) }
        return
      }
      let tokens = line.split(separator: "\t", omittingEmptySubsequences: false)
      if !started {
        guard tokens.allSatisfy({ $0.hasPrefix("**") }) else {
          if line.hasPrefix("!") { return }
          throw fail(n, "data before the exclusive interpretation (**kern)")
        }
        for (i, t) in tokens.enumerated() {
          spines.append(Spine(isKern: t == "**kern", part: i, end: 0))
          parts.append(Part(name: "Spine \(i + 1)"))
        }
        guard spines.contains(where: \.isKern) else { throw fail(n, "no **kern spine") }
        started = true
        return
      }
      guard tokens.count == spines.count else { throw fail(n, "\(tokens.count) tokens for \(spines.count) spines") }
      switch tokens[0].first {
      case "*": try interpretation(tokens, n)
      case "!", "=": return
      default: try data(tokens, n)
      }
    }

    mutating func interpretation(_ tokens: [Substring], _ n: Int) throws(ScoreReadError) {
      let manipulators: Set<Substring> = ["*^", "*v", "*x", "*-", "*+"]
      if tokens.contains(where: { manipulators.contains($0) }) {
        var next: [Spine] = []
        var i = 0
        while i < tokens.count {
          switch tokens[i] {
          case "*^":
            next += [spines[i], spines[i]]
            i += 1
          case "*v":
            var j = i
            var merged = spines[i]
            while j + 1 < tokens.count && tokens[j + 1] == "*v" {
              j += 1
              merged.end = max(merged.end, spines[j].end)
            }
            guard j > i else { throw fail(n, "a lone *v (a join needs two adjacent spines)") }
            next.append(merged)
            i = j + 1
          case "*x":
            guard i + 1 < tokens.count, tokens[i + 1] == "*x" else { throw fail(n, "a lone *x (an exchange needs two adjacent spines)") }
            next += [spines[i + 1], spines[i]]
            i += 2
          case "*-":
            i += 1
          case "*+":
            next.append(spines[i])
            parts.append(Part(name: "Spine \(parts.count + 1)"))
            next.append(Spine(isKern: false, part: parts.count - 1, end: now))
            i += 1
          default:
            next.append(spines[i])
            i += 1
          }
        }
        spines = next
        if spines.isEmpty { finished = true }
        return
      }
      var signatureSeen = (meter: false, tempo: false, key: false, keySignature: false)
      for (i, t) in tokens.enumerated() {
        if t.hasPrefix("**") {
          spines[i].isKern = t == "**kern"
          continue
        }
        guard spines[i].isKern else { continue }
        if t.hasPrefix("*MM") {
          if !signatureSeen.tempo, let bpm = Double(t.dropFirst(3)) { signatures.tempo(now, bpm) }
          signatureSeen.tempo = true
        } else if t.hasPrefix("*M"), let slash = t.firstIndex(of: "/") {
          if !signatureSeen.meter, let num = Int(t[t.index(t.startIndex, offsetBy: 2)..<slash]), let den = Int(t[t.index(after: slash)...]),
            num > 0, den > 0, den & (den - 1) == 0
          {
            signatures.times.removeAll { abs($0.beat - now) < 1e-9 }
            signatures.times.append(Score.TimeSignature(beat: now, numerator: num, denominator: den))
          }
          signatureSeen.meter = true
        } else if t.hasPrefix("*k[") {
          if !signatureSeen.keySignature {
            let fifths = t.filter { $0 == "#" }.count - t.filter { $0 == "-" }.count
            let minor = signatures.keys.last?.minor ?? false
            signatures.keys.removeAll { abs($0.beat - now) < 1e-9 }
            signatures.keys.append(Score.KeySignature(beat: now, fifths: max(-7, min(7, fifths)), minor: minor))
          }
          signatureSeen.keySignature = true
        } else if t.count >= 3, t.hasSuffix(":"), let letter = t.dropFirst().first, "abcdefgABCDEFG".contains(letter) {
          if !signatureSeen.key, let k = signatures.keys.lastIndex(where: { abs($0.beat - now) < 1e-9 }) {
            signatures.keys[k].minor = letter.isLowercase
          }
          signatureSeen.key = true
        } else if t.hasPrefix("*I\"") {
          parts[spines[i].part].name = String(t.dropFirst(3))
        }
      }
    }

    mutating func data(_ tokens: [Substring], _ n: Int) throws(ScoreReadError) {
      for (i, token) in tokens.enumerated() where spines[i].isKern && token != "." {
        var shortest = Double.infinity
        for sub in token.split(separator: " ") {
          guard let event = KernToken(sub) else { throw fail(n, "cannot read the kern token \"\(sub)\"") }
          if event.isGrace { continue }
          shortest = min(shortest, event.duration)
          guard let pitch = event.pitch else { continue }
          guard (0...127).contains(pitch) else { throw fail(n, "pitch \(pitch) outside MIDI's 0…127") }
          add(part: spines[i].part, onset: now, duration: event.duration, pitch: pitch, tieStart: event.tieStart, tieStop: event.tieStop)
        }
        if shortest.isFinite { spines[i].end = now + shortest }
      }
      let later = spines.filter { $0.isKern && $0.end > now + 1e-9 }.map(\.end)
      if let next = later.min() { now = next }
    }

    mutating func add(part p: Int, onset: Double, duration: Double, pitch: Int, tieStart: Bool, tieStop: Bool) {
      if tieStop, let i = parts[p].openTies[pitch], abs(parts[p].notes[i].end - onset) < 1e-6 {
        parts[p].notes[i].duration = onset + duration - parts[p].notes[i].onset
        if !tieStart { parts[p].openTies[pitch] = nil }
        return
      }
      guard duration > 0 else { return }
      parts[p].notes.append(Note(onset: onset, duration: duration, pitch: pitch, velocity: MusicXMLReader.velocity))
      parts[p].openTies[pitch] = tieStart ? parts[p].notes.count - 1 : nil
    }

    func finish() throws(ScoreReadError) -> Score {
      guard started else { throw ScoreReadError(file: file, "no exclusive interpretation (**kern)") }
      var score = Score(title: title, tempos: [], timeSignatures: [])
      var channel = 0
      // Humdrum lists the lowest part first; a score lists the top part first.
      for part in parts.reversed() where !part.notes.isEmpty {
        if channel == 9 { channel += 1 }
        if channel > 15 {
          score.tracks[score.tracks.count - 1].notes += part.notes
          continue
        }
        score.tracks.append(Track(name: part.name, channel: channel, program: 0, notes: part.notes))
        channel += 1
      }
      score.tempos = signatures.tempos.isEmpty ? [Score.Tempo(beat: 0, bpm: 120)] : signatures.tempos
      score.timeSignatures = signatures.times.isEmpty ? [Score.TimeSignature(beat: 0, numerator: 4, denominator: 4)] : signatures.times
      score.keySignatures = signatures.keys
      return score
    }
  }
}

/// One note or rest of a kern token ("4.cc#L", "[2d", "8r", "12e-]").
struct KernToken {
  /// Quarter notes.
  var duration: Double
  /// MIDI pitch, nil for a rest.
  var pitch: Int?
  var tieStart = false
  var tieStop = false
  var isGrace = false

  init?(_ token: Substring) {
    var digits = ""
    var denominator = ""
    var dots = 0
    var letter: Character?
    var letterCount = 0
    var alter = 0
    var rest = false
    var index = token.startIndex
    var hasDuration = false
    while index < token.endIndex {
      let c = token[index]
      switch c {
      case "0"..."9" where !hasDuration || (digits.isEmpty == false && letter == nil && dots == 0 && denominator.isEmpty):
        digits.append(c)
        hasDuration = true
      case "%" where hasDuration:
        var j = token.index(after: index)
        while j < token.endIndex, token[j].isNumber {
          denominator.append(token[j])
          j = token.index(after: j)
        }
        index = j
        continue
      case "." where hasDuration: dots += 1
      case "a"..."g", "A"..."G":
        if letter == nil {
          letter = c
          letterCount = 1
        } else if c == letter {
          letterCount += 1
        }
      case "r": rest = true
      case "#": alter += 1
      case "-": alter -= 1
      case "[": tieStart = true
      case "]": tieStop = true
      case "_":
        tieStart = true
        tieStop = true
      case "q", "Q": isGrace = true
      default: break
      }
      index = token.index(after: index)
    }
    if isGrace && !hasDuration {
      duration = 0
    } else {
      guard hasDuration, let n = Int(digits) else { return nil }
      var base: Double
      if n == 0 {
        base = 8 * Double(1 << max(0, digits.count - 1))
      } else {
        base = 4 / Double(n)
      }
      if !denominator.isEmpty {
        guard let m = Int(denominator), m > 0, n > 0 else { return nil }
        base = 4 * Double(m) / Double(n)
      }
      duration = base * (2 - pow(0.5, Double(dots)))
    }
    if rest {
      pitch = nil
    } else {
      guard let letter, let step = MusicXMLReader.steps[String(letter).uppercased()] else { return nil }
      let octave = letter.isLowercase ? 3 + letterCount : 4 - letterCount
      pitch = (octave + 1) * 12 + step + alter
    }
  }
}
