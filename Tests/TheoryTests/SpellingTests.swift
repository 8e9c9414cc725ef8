import Testing

@testable import Theory

@Suite("spelling")
struct SpellingTests {
  @Test(arguments: [
    (59, -6, false, "Cb4"), (65, 6, false, "E#4"), (60, 7, false, "B#3"), (64, -7, false, "Fb4"),
    (61, 0, false, "C#4"), (70, -1, false, "Bb4"), (68, 0, true, "G#4"), (66, 0, true, "F#4"),
    (61, -1, true, "C#4"), (66, -2, true, "F#4"), (63, -2, false, "Eb4"), (66, -3, false, "Gb4"),
    (0, 0, false, "C-1"), (127, -7, false, "G9"), (71, -7, false, "Cb5"),
  ])
  func examples(_ c: (Int, Int, Bool, String)) throws {
    let p = try #require(Pitch(midi: c.0))
    #expect(p.spelled(fifths: c.1, minor: c.2).description == c.3)
  }

  /// Every pitch in every key reads back to itself through the independent name parser, and the
  /// key's own seven notes use seven letters with exactly the signature's accidentals.
  @Test(arguments: Array(-7...7))
  func everyKey(_ fifths: Int) throws {
    let sharpOrder = ["F", "C", "G", "D", "A", "E", "B"]
    let signature = Dictionary(
      uniqueKeysWithValues: sharpOrder.enumerated().map { i, letter in
        (letter, fifths > 0 ? (i < fifths ? 1 : 0) : (i >= 7 + fifths ? -1 : 0))
      })
    for minor in [false, true] {
      for midi in 0...127 {
        let p = try #require(Pitch(midi: midi))
        let s = p.spelled(fifths: fifths, minor: minor)
        #expect(Pitch(name: s.description)?.midi == midi, "\(s) in \(fifths) fifths")
      }
      let tonic = ((fifths * 7) % 12 + 12) % 12 + (minor ? 9 : 0)
      let steps = minor ? [0, 2, 3, 5, 7, 8, 10] : [0, 2, 4, 5, 7, 9, 11]
      let notes = steps.map { Pitch(clamping: 48 + tonic + $0).spelled(fifths: fifths, minor: minor) }
      #expect(Set(notes.map(\.step)).count == 7)
      for n in notes { #expect(n.alter == signature[n.step], "\(n) in \(fifths) fifths") }
    }
  }
}
