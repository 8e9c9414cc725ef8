import Testing

@testable import Theory

@Suite("music theory")
struct TheoryTests {
  @Test(arguments: [("C4", 60), ("A4", 69), ("C#3", 49), ("Bb-1", 10), ("B#3", 60), ("Cb4", 59), ("G9", 127), ("C-1", 0)])
  func pitchNames(_ c: (String, Int)) throws {
    let p = try #require(Pitch(name: c.0))
    #expect(p.midi == c.1)
  }

  @Test(arguments: ["H4", "C", "C#", "Cx4", "G#9", "", "4"])
  func invalidPitchNames(_ name: String) { #expect(Pitch(name: name) == nil) }

  @Test func frequencies() throws {
    #expect(try #require(Pitch(midi: 69)).frequency() == 440)
    #expect(abs(try #require(Pitch(midi: 60)).frequency() - 261.6255653005986) < 1e-9)
    #expect(try #require(Pitch(midi: 69)).frequency(reference: 432) == 432)
    #expect(try #require(Pitch(midi: 81)).frequency() == 880)
    #expect(Pitch(midi: 128) == nil)
    #expect(Pitch(clamping: 200).midi == 127)
  }

  @Test(arguments: Mode.allCases)
  func modesStartOnTheRootAndAscend(_ mode: Mode) {
    #expect(mode.intervals.first == 0)
    #expect(mode.intervals == mode.intervals.sorted())
    #expect(Set(mode.intervals).count == mode.intervals.count)
    #expect(mode.intervals.allSatisfy { (0..<12).contains($0) })
    #expect(Mode(name: mode.rawValue) == mode)
  }

  /// The seven diatonic modes are rotations of the major scale.
  @Test func diatonicModesAreRotations() {
    let major = Mode.major.intervals
    let modes: [(Mode, Int)] = [(.dorian, 1), (.phrygian, 2), (.lydian, 3), (.mixolydian, 4), (.naturalMinor, 5), (.locrian, 6)]
    for (mode, shift) in modes {
      let rotated = (0..<7).map { (major[($0 + shift) % 7] - major[shift] + 12) % 12 }
      #expect(rotated == mode.intervals, "\(mode)")
    }
  }

  @Test(arguments: [
    ("D dorian", 2, Mode.dorian, 0), ("F# minor", 6, .naturalMinor, 3), ("Bb major", 10, .major, -2), ("C", 0, .major, 0),
    ("A harmonic minor", 9, .harmonicMinor, 0), ("Eb-lydian", 3, .lydian, -2), ("e phrygian", 4, .phrygian, 0),
    ("G mixolydian", 7, .mixolydian, 0), ("B locrian", 11, .locrian, 0), ("F# major", 6, .major, -6),
    ("B lydian", 11, .lydian, 6), ("F locrian", 5, .locrian, -6), ("Eb minor", 3, .naturalMinor, -6),
  ])
  func keys(_ c: (String, Int, Mode, Int)) throws {
    let key = try #require(Key(parsing: c.0))
    #expect(key.root.value == c.1)
    #expect(key.mode == c.2)
    #expect(key.fifths == c.3)
  }

  @Test(arguments: ["H major", "C blues", "", "D dorian extra"])
  func invalidKeys(_ text: String) { #expect(Key(parsing: text) == nil) }

  @Test func scaleDegreesAcrossOctaves() throws {
    let c = Scale(root: PitchClass(0), mode: .major)
    #expect(c.pitch(degree: 0, octave: 4)?.midi == 60)
    #expect(c.pitch(degree: 7, octave: 4)?.midi == 72)
    #expect(c.pitch(degree: -1, octave: 4)?.midi == 59)
    #expect(c.pitch(degree: 9, octave: 4)?.midi == 76)
    let aPhrygian = Scale(root: PitchClass(9), mode: .phrygian)
    #expect(aPhrygian.pitch(degree: 1, octave: 2)?.midi == 46)  // Bb2
  }

  @Test func snapping() throws {
    let c = Scale(root: PitchClass(0), mode: .major)
    #expect(c.snap(try #require(Pitch(midi: 61))).midi == 60)  // C#4 → C4 (ties go down)
    #expect(c.snap(try #require(Pitch(midi: 66))).midi == 65)
    #expect(c.snap(try #require(Pitch(midi: 64))).midi == 64)
    let range = try #require(Pitch(name: "C4"))...(try #require(Pitch(name: "C5")))
    #expect(c.pitch(for: 0, in: range).midi == 60)
    #expect(c.pitch(for: 1, in: range).midi == 72)
    #expect(c.pitch(for: 0.5, in: range).midi == 67)  // 8 scale pitches: index 3.5 rounds to 4 (G)
    #expect(c.pitch(for: .nan, in: range).midi == 60)
    #expect(c.pitch(for: 7, in: range).midi == 72)
    // Every pitch returned lies in the scale and the range.
    for step in 0...100 {
      let p = Scale(root: PitchClass(2), mode: .dorian).pitch(for: Double(step) / 100, in: range)
      #expect(range.contains(p) && Scale(root: PitchClass(2), mode: .dorian).contains(p))
    }
  }

  @Test func diatonicChords() {
    let c = Scale(root: PitchClass(0), mode: .major)
    #expect(Chord(scale: c, degree: 0).description == "C")
    #expect(Chord(scale: c, degree: 1).description == "Dm")
    #expect(Chord(scale: c, degree: 6).description == "Bdim")
    #expect(Chord(scale: c, degree: 4, seventh: true).description == "G7")
    #expect(Chord(scale: c, degree: 0, seventh: true).description == "Cmaj7")
    #expect(Chord(scale: c, degree: 6, seventh: true).description == "Bm7b5")
    let harmonic = Scale(root: PitchClass(9), mode: .harmonicMinor)
    #expect(Chord(scale: harmonic, degree: 4).description == "E")
    #expect(Chord(root: PitchClass(7), quality: .sus4).pitches(octave: 3).map(\.midi) == [55, 60, 62])
  }

  @Test func ranges() {
    #expect(PitchRange.violin.lowerBound.name == "G3")
    #expect(PitchRange.contrabass.lowerBound.name == "E1")
    #expect(PitchRange.byName["cello"] == PitchRange.cello)
  }
}
