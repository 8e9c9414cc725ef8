import Foundation
import MusicTokens
import Score
import StandardMIDI
import Testing
import _TestSupport

@Suite("Event tokens")
struct EventTokenTests {
  let tokenizer = ScoreTokenizer()

  @Test func vocabularyLayout() {
    let v = EventVocabulary()
    #expect(v.size == 291)
    #expect(v.id(.noteOn(0)) == 3 && v.id(.noteOn(127)) == 130)
    #expect(v.id(.noteOff(0)) == 131 && v.id(.noteOff(127)) == 258)
    #expect(v.id(.timeShift(1)) == 259 && v.id(.timeShift(32)) == 290)
    for id in 0..<v.size { #expect(v.token(id).map(v.id) == id) }
    #expect(v.token(291) == nil && v.token(-1) == nil)
    let g = EventVocabulary(genres: ["bach", "rap"])
    #expect(g.size == 293 && g.name(292) == "GENRE_rap")
  }

  /// A hand-worked example: a C major triad for a quarter, then E and G an eighth each, with
  /// a long rest (40 sixteenths = 32 + 8) before a last note.
  @Test func goldenIds() {
    let notes = [
      Note(onset: 0, duration: 1, pitch: 67, velocity: 80), Note(onset: 0, duration: 1, pitch: 60, velocity: 80),
      Note(onset: 0, duration: 1, pitch: 64, velocity: 80), Note(onset: 1, duration: 0.5, pitch: 64, velocity: 80),
      Note(onset: 1.5, duration: 0.5, pitch: 67, velocity: 80), Note(onset: 12, duration: 1, pitch: 72, velocity: 80),
    ]
    let score = Score(title: "t", tracks: [Track(name: "p", channel: 0, notes: notes)])
    let names = tokenizer.encode(score).map(tokenizer.vocabulary.name)
    #expect(
      names == [
        "BOS", "NOTE_ON_60", "NOTE_ON_64", "NOTE_ON_67", "TIME_SHIFT_4", "NOTE_OFF_60", "NOTE_OFF_64", "NOTE_OFF_67", "NOTE_ON_64",
        "TIME_SHIFT_2", "NOTE_OFF_64", "NOTE_ON_67", "TIME_SHIFT_2", "NOTE_OFF_67", "TIME_SHIFT_32", "TIME_SHIFT_8", "NOTE_ON_72",
        "TIME_SHIFT_4", "NOTE_OFF_72", "EOS",
      ])
  }

  /// Unisons merge; a pitch struck again while it sounds cuts the first note; drums are left
  /// out; a note shorter than a step keeps one step.
  @Test func normalisation() {
    let voices = [
      Track(name: "s", channel: 0, notes: [Note(onset: 0, duration: 2, pitch: 60, velocity: 80), Note(onset: 3, duration: 0.1, pitch: 62, velocity: 80)]),
      Track(name: "a", channel: 1, notes: [Note(onset: 0, duration: 1, pitch: 60, velocity: 80), Note(onset: 1, duration: 2, pitch: 60, velocity: 80)]),
      Track(name: "d", channel: 9, isDrum: true, notes: [Note(onset: 0, duration: 1, pitch: 36, velocity: 80)]),
    ]
    let grid = tokenizer.normalise(Score(title: "t", tracks: voices))
    #expect(grid == [GridNote(onset: 0, end: 4, pitch: 60), GridNote(onset: 4, end: 12, pitch: 60), GridNote(onset: 12, end: 13, pitch: 62)])
  }

  /// Twelve steps per quarter keep eighth triplets exactly; four round them.
  @Test func tripletGrid() {
    let triplets = (0..<3).map { Note(onset: Double($0) / 3, duration: 1.0 / 3, pitch: 60 + $0, velocity: 80) }
    let score = Score(title: "t", tracks: [Track(name: "p", channel: 0, notes: triplets)])
    let fine = ScoreTokenizer(vocabulary: EventVocabulary(stepsPerQuarter: 12))
    #expect(fine.normalise(score).map(\.onset) == [0, 4, 8])
    #expect(tokenizer.normalise(score).map(\.onset) == [0, 1, 3])
  }

  /// Any ids decode to valid notes: ends after onsets, pitches in range, nothing negative.
  @Test func randomSequencesDecodeToValidNotes() throws {
    var state: UInt64 = 12345
    for _ in 0..<2000 {
      let length = Int(next(&state) % 400)
      let ids = (0..<length).map { _ in Int(next(&state) % 300) - 4 }
      for n in tokenizer.decode(ids) {
        #expect(n.end > n.onset && n.onset >= 0 && (0...127).contains(n.pitch))
      }
      // Decoding is a fixed point: decoded notes encode and decode to themselves.
      let notes = tokenizer.decode(ids)
      #expect(tokenizer.decode(tokenizer.encode(notes)) == notes)
    }
  }

  /// …and the MIDI written from them is valid for an independent parser (mido).
  @Test func randomSequencesGiveValidMIDI() throws {
    let dir = TemporaryDirectory()
    var state: UInt64 = 99
    for i in 0..<4 {
      let ids = (0..<600).map { _ in Int(next(&state) % 291) }
      let path = dir.file("r\(i).mid")
      try MIDIFileWriter.write(tokenizer.score(ids, title: "random \(i)"), to: path)
      let report = try CommandRunner.pythonJSON("check_midi.py", path)
      #expect((report["problems"] as? [String]) == [], "\(report)")
      #expect((report["notes"] as? Int) == tokenizer.decode(ids).count)
    }
  }

  func next(_ s: inout UInt64) -> UInt64 {
    s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return s >> 33
  }
}
