import Foundation
import Score
import ScoreReaders

/// Writes the generated genres' pieces: real multi-part scores (melody, harmony, bass, drums),
/// each drawn from a ``SplitMix64`` seeded by the genre and the piece's number, so piece `n`
/// of a genre is the same on every machine.
enum GenreGenerator {
  typealias T = GeneratorTables

  static func piece(_ genre: MusicGenre, index: Int) -> Piece? {
    let id = "\(genre.rawValue)/\(String(format: "%03d", index + 1))"
    var rng = SplitMix64(seed: id.stableHash)
    let score: Score
    switch genre {
    case .atonal: score = atonal(&rng, title: "Row \(index + 1)")
    case .metal: score = metal(&rng, title: "Riff \(index + 1)")
    case .rock: score = rock(&rng, title: "Rock song \(index + 1)")
    case .pop: score = pop(&rng, title: "Pop song \(index + 1)")
    case .rap: score = rap(&rng, title: "Beat \(index + 1)")
    default: return nil
    }
    return Piece(id: id, score: score)
  }

  // MARK: - Atonal: a twelve-tone row in its four forms, over two or three parts

  static func atonal(_ rng: inout SplitMix64, title: String) -> Score {
    var w = PieceWriter(title: title, bpm: Double(rng.int(56...96)))
    w.numerator = rng.pick([3, 4, 5])
    let row = rng.shuffled(Array(0..<12))
    let forms: [[Int]] = [row, row.reversed(), row.map { (12 - $0) % 12 }, row.map { (12 - $0) % 12 }.reversed()]
    let parts = [
      (w.part("Violin", program: T.violin), 67...88), (w.part("Clarinet", program: T.clarinet), 55...76),
      (w.part("Cello", program: 42), 36...60),
    ]
    let voices = rng.int(2...3)
    let bars = rng.int(16...28)
    let length = Double(bars * w.numerator)
    for v in 0..<voices {
      let (part, range) = parts[v]
      var t = Double(v) * Double(rng.int(0...2))
      while t < length {
        let form = rng.pick(forms)
        let transposition = rng.below(12)
        for pc in form {
          guard t < length else { break }
          let d = rng.pick(T.atonalDurations)
          if rng.chance(0.12) {
            t += d
            continue
          }
          let candidates = stride(from: range.lowerBound, through: range.upperBound, by: 1).filter { ($0 - pc - transposition + 120) % 12 == 0 }
          let pitch = rng.pick(candidates)
          w.note(part, t, min(d, length - t), pitch, rng.int(50...100))
          t += d
        }
      }
    }
    return w.score()
  }

  // MARK: - Metal: palm-muted eighths on the low string, power chords, double kick

  static func metal(_ rng: inout SplitMix64, title: String) -> Score {
    var w = PieceWriter(title: title, bpm: Double(rng.pick([140, 150, 160, 170, 180, 190])))
    w.tonic = rng.pick([4, 2, 9])  // E, D, A: the low strings
    w.minor = true
    let scale = rng.chance(0.5) ? T.phrygian : T.minor
    let low = 28 + w.tonic + (w.tonic > 4 ? -12 : 0) + 12  // the guitar's lowest tonic
    let guitar = w.part("Rhythm guitar", program: T.distortion)
    let lead = w.part("Lead guitar", program: T.distortion)
    let bass = w.part("Bass", program: T.pickBass)
    let drums = w.part("Drums", program: 0, drums: true)
    let roots = rng.pick(T.metalChordRoots)
    // A one-bar riff: which eighths chug the tonic, which hit a power chord.
    let riff = (0..<8).map { _ in rng.chance(0.3) }
    let sections = [("riff", 8), ("verse", 8), ("chorus", 8), ("riff", 8), ("breakdown", 4)]
    var bar = 0
    for (name, count) in sections {
      for b in 0..<count {
        let t0 = Double(bar * 4)
        let root = scalePitch(roots[(b / 2) % roots.count], scale: scale, base: low)
        switch name {
        case "chorus":
          for p in [root, root + 7, root + 12] { w.note(guitar, t0, 2, p, 110) }
          for p in [root + 5, root + 12] { w.note(guitar, t0 + 2, 2, p, 105) }
          let melody = (0..<4).map { _ in scalePitch(rng.int(0...9), scale: scale, base: low + 24) }
          for (i, p) in melody.enumerated() { w.note(lead, t0 + Double(i), 1, p, 100) }
        case "breakdown":
          for e in stride(from: 0.0, to: 4, by: 0.75) { w.note(guitar, t0 + e, 0.5, root, 120) }
        default:
          for e in 0..<8 {
            let t = t0 + Double(e) * 0.5
            if riff[e] {
              for p in [root, root + 7, root + 12] { w.note(guitar, t, 0.45, p, 115) }
            } else {
              w.note(guitar, t, 0.25, low, 100)  // palm-muted: short
            }
          }
        }
        for e in 0..<8 { w.note(bass, t0 + Double(e) * 0.5, 0.45, root - 12, 100) }
        // Double kick in sixteenths, snare on 2 and 4, crash at each section's start.
        for s in 0..<16 { w.note(drums, t0 + Double(s) * 0.25, 0.125, T.kick, s % 4 == 0 ? 115 : 95) }
        for beat in [1.0, 3.0] { w.note(drums, t0 + beat, 0.25, T.snare, 120) }
        if b == 0 { w.note(drums, t0, 1, T.crash, 120) }
        for beat in 0..<4 where b != 0 || beat != 0 { w.note(drums, t0 + Double(beat), 0.5, name == "chorus" ? T.crash : T.ride, 90) }
        bar += 1
      }
    }
    return w.score()
  }

  // MARK: - Rock: a four-chord progression, strummed eighths, root-note bass, backbeat

  static func rock(_ rng: inout SplitMix64, title: String) -> Score {
    var w = PieceWriter(title: title, bpm: Double(rng.int(96...144)))
    w.tonic = rng.pick([0, 2, 4, 7, 9])
    let base = 48 + w.tonic
    let verse = rng.pick(T.rockProgressions)
    let chorus = rng.pick(T.rockProgressions)
    let guitar = w.part("Guitar", program: T.overdrive)
    let vocal = w.part("Lead", program: T.sawLead)
    let bass = w.part("Bass", program: T.fingerBass)
    let drums = w.part("Drums", program: 0, drums: true)
    let kicks = rng.pick(T.rockKicks)
    let motif = (0..<4).map { _ in rng.pick(T.melodyBars) }
    var bar = 0
    for (section, progression) in [("verse", verse), ("chorus", chorus), ("verse", verse), ("chorus", chorus), ("chorus", chorus)] {
      for b in 0..<8 {
        let t0 = Double(bar * 4)
        let degree = progression[b % 4]
        let triad = chord(degree: degree, scale: T.major, base: base)
        for e in 0..<8 {
          let strum = triad.map { $0 + (section == "chorus" ? 12 : 0) }
          for p in strum { w.note(guitar, t0 + Double(e) * 0.5, 0.45, p, e % 2 == 0 ? 100 : 80) }
        }
        for e in 0..<8 { w.note(bass, t0 + Double(e) * 0.5, 0.45, triad[0] - 12, 95) }
        // The tune: chord tones on strong beats, steps between, the motif's rhythm.
        var t = t0
        for d in motif[b % 4] {
          let step = t.truncatingRemainder(dividingBy: 1) == 0 ? degree + 2 * rng.int(0...2) : degree + rng.int(-1...3)
          w.note(vocal, t, d, scalePitch(step, scale: T.major, base: base + (section == "chorus" ? 24 : 12)), 95)
          t += d
        }
        for k in kicks { w.note(drums, t0 + Double(k) * 0.25, 0.25, T.kick, 110) }
        for beat in [1.0, 3.0] { w.note(drums, t0 + beat, 0.25, T.snare, 115) }
        for e in 0..<8 { w.note(drums, t0 + Double(e) * 0.5, 0.25, T.closedHat, 80) }
        if b == 0 { w.note(drums, t0, 1, T.crash, 110) }
        bar += 1
      }
    }
    return w.score()
  }

  // MARK: - Pop: verse and chorus, a sung melody over piano chords, synth bass, four-on-the-floor

  static func pop(_ rng: inout SplitMix64, title: String) -> Score {
    var w = PieceWriter(title: title, bpm: Double(rng.int(92...124)))
    w.tonic = rng.below(12)
    let base = 48 + w.tonic
    let verse = rng.pick(T.popVerses)
    let chorus = rng.pick(T.popChoruses)
    let melody = w.part("Melody", program: T.squareLead)
    let piano = w.part("Piano", program: T.piano)
    let bass = w.part("Bass", program: T.synthBass)
    let drums = w.part("Drums", program: 0, drums: true)
    // Each section has a two-bar hook, sung twice with a changed ending.
    func hook(_ rng: inout SplitMix64) -> [(Double, Int)] {
      var notes: [(Double, Int)] = []
      for _ in 0..<2 {
        for d in rng.pick(T.melodyBars) { notes.append((d, rng.int(-2...5))) }
      }
      return notes
    }
    let verseHook = hook(&rng)
    let chorusHook = hook(&rng)
    var bar = 0
    for section in ["verse", "chorus", "verse", "chorus", "chorus"] {
      let progression = section == "verse" ? verse : chorus
      let tune = section == "verse" ? verseHook : chorusHook
      let lift = section == "chorus" ? 2 : 0
      for half in 0..<4 {
        let t0 = Double(bar * 4)
        var t = t0
        for (i, (d, step)) in tune.enumerated() {
          let degree = progression[(bar + Int((t - t0) / 4)) % 4]
          let varied = half % 2 == 1 && i >= tune.count - 2 ? degree : step + lift
          w.note(melody, t, d * 0.95, scalePitch(varied, scale: T.major, base: base + 24), 100)
          t += d
        }
        for b in 0..<2 {
          let tb = t0 + Double(b * 4)
          let triad = chord(degree: progression[(bar + b) % 4], scale: T.major, base: base + 12, size: rng.chance(0.3) ? 4 : 3)
          if section == "chorus" {
            for p in triad { w.note(piano, tb, 4, p, 75) }
          } else {
            for e in 0..<8 { w.note(piano, tb + Double(e) * 0.5, 0.5, triad[e % triad.count], 70) }
          }
          for e in [0.0, 1.5, 2.0, 3.0] { w.note(bass, tb + e, 0.45, triad[0] - 12, 95) }
          for beat in 0..<4 { w.note(drums, tb + Double(beat), 0.25, T.kick, 110) }
          for beat in [1.0, 3.0] { w.note(drums, tb + beat, 0.25, T.clap, 100) }
          for e in 0..<8 { w.note(drums, tb + Double(e) * 0.5, 0.25, e % 2 == 1 ? T.openHat : T.closedHat, 75) }
        }
        bar += 2
      }
    }
    return w.score()
  }

  // MARK: - Rap: boom-bap drums, a syncopated bass line, a keys loop

  static func rap(_ rng: inout SplitMix64, title: String) -> Score {
    var w = PieceWriter(title: title, bpm: Double(rng.int(84...98)))
    w.tonic = rng.below(12)
    w.minor = true
    let scale = rng.chance(0.5) ? T.minor : T.dorian
    let base = 36 + w.tonic
    let loop = rng.pick(T.rapLoops)
    let keys = w.part("Keys", program: T.electricPiano)
    let bass = w.part("Bass", program: T.synthBass)
    let drums = w.part("Drums", program: 0, drums: true)
    let kicks = rng.pick(T.boomBapKicks)
    let bassBars = (0..<2).map { _ in rng.pick(T.rapBassBars) }
    // The keys loop: a short figure over each chord, the same every pass.
    let figure = (0..<4).map { _ in (Double(rng.below(8)) * 0.5, rng.int(0...3)) }
    let bars = 32
    for bar in 0..<bars {
      let t0 = Double(bar * 4)
      let degree = loop[bar % 4]
      let triad = chord(degree: degree, scale: scale, base: base + 24, size: 4)
      if bar >= 4 || rng.chance(0.5) {
        for (onset, i) in figure { w.note(keys, t0 + onset, 0.75, triad[i], 70) }
      }
      for (onset, length) in bassBars[bar % 2] { w.note(bass, t0 + onset, length, triad[0] - 24, 100) }
      guard bar >= 2 else { continue }  // an intro of keys alone
      for k in kicks { w.note(drums, t0 + Double(k) * 0.25, 0.25, T.kick, 115) }
      for beat in [1.0, 3.0] { w.note(drums, t0 + beat, 0.25, T.snare, 115) }
      for s in 0..<8 { w.note(drums, t0 + Double(s) * 0.5, 0.25, T.closedHat, s % 2 == 0 ? 85 : 65) }
      if bar % 4 == 3 { for s in 12..<16 { w.note(drums, t0 + Double(s) * 0.25, 0.125, T.closedHat, 70) } }  // a roll into the next loop
    }
    return w.score()
  }
}
