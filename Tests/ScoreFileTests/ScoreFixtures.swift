import Score

/// Scores the tests build: a small hand-checked one and seeded random ones.
enum ScoreFixtures {
  /// Title "T", 120 BPM, 4/4, A minor; "Lead" on channel 1, program 81 (saw lead):
  /// C4 + G4 on beat 0, E4 on beat 1, one beat each.
  static var small: Score {
    var s = Score(title: "T", keySignatures: [.init(beat: 0, fifths: 0, minor: true)])
    s.provenance = [Provenance(tensor: "w", role: "attn.q", layer: 0, statistic: "singular_values", index: 0, value: 1.5)]
    s.tracks = [
      Track(
        name: "Lead", channel: 0, program: 81,
        notes: [
          Note(onset: 0, duration: 1, pitch: 60, velocity: 100, provenance: 0),
          Note(onset: 0, duration: 1, pitch: 67, velocity: 100, provenance: 0),
          Note(onset: 1, duration: 1, pitch: 64, velocity: 90, provenance: 0),
        ])
    ]
    return s
  }

  /// A deterministic generator (64-bit LCG), so failures reproduce.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func ticks(_ maxBeats: Int) -> Double { Double(int(0...(maxBeats * 480))) / 480 }
  }

  /// A random score whose times lie on the 480-tick grid.
  static func random(seed: UInt64) -> Score {
    var g = Generator(state: seed)
    var s = Score(title: "Random \(seed)")
    s.tempos = [Score.Tempo(beat: 0, bpm: Double(g.int(40...200)))]
    if g.int(0...1) == 1 { s.tempos.append(Score.Tempo(beat: Double(g.int(4...16)), bpm: Double(g.int(60...180)))) }
    s.timeSignatures = [Score.TimeSignature(beat: 0, numerator: [3, 4, 6, 7][g.int(0...3)], denominator: [4, 8][g.int(0...1)])]
    s.keySignatures = [Score.KeySignature(beat: 0, fifths: g.int(-7...7), minor: g.int(0...1) == 1)]
    s.markers = (0..<g.int(0...3)).map { Score.Marker(beat: Double($0 * 4), text: "section \($0) · layer \($0)") }
    s.provenance = [Provenance(tensor: "t", statistic: "s", value: 1)]
    var channels = Array(0...15).filter { $0 != 9 }
    for t in 0..<g.int(1...4) {
      let drum = t == 0 && g.int(0...3) == 0
      let channel = drum ? 9 : channels.remove(at: g.int(0...(channels.count - 1)))
      var track = Track(
        name: drum ? "Drums" : "Part \(t)", channel: channel, program: g.int(0...127), bank: g.int(0...2) == 0 ? g.int(0...300) : 0,
        isDrum: drum, pitchBendRange: g.int(1...12))
      for _ in 0..<g.int(0...40) {
        let onset = g.ticks(24)
        track.notes.append(
          Note(
            onset: onset, duration: Double(g.int(1...960)) / 480, pitch: drum ? [36, 38, 42, 46][g.int(0...3)] : g.int(20...110),
            velocity: g.int(1...127), provenance: 0))
      }
      for _ in 0..<g.int(0...6) {
        track.controls.append(ControlChange(beat: g.ticks(24), controller: [7, 10, 11, 91, 74, 71, 5, 65][g.int(0...7)], value: g.int(0...127)))
      }
      if !drum {
        for _ in 0..<g.int(0...4) {
          track.bends.append(PitchBend(beat: g.ticks(24), semitones: Double(g.int(-100...100)) / 100 * Double(track.pitchBendRange)))
        }
      }
      for _ in 0..<g.int(0...3) { track.lyrics.append(TextEvent(beat: g.ticks(24), text: "word", kind: .lyric)) }
      s.tracks.append(track)
    }
    return s
  }
}
