import Foundation
import Score
import StandardMIDI
import Testing
import _TestSupport

@Suite("Standard MIDI files")
struct MIDIFileTests {
  static func hex(_ s: String) -> [UInt8] {
    let digits = s.filter(\.isHexDigit)
    return stride(from: 0, to: digits.count, by: 2).map { i in
      let a = digits.index(digits.startIndex, offsetBy: i)
      return UInt8(digits[a...digits.index(after: a)], radix: 16) ?? 0
    }
  }

  /// Byte for byte, checked by hand against the SMF specification.
  @Test func goldenBytes() throws {
    let expected = Self.hex(
      """
      4D546864 00000006 0001 0002 01E0
      4D54726B 0000001F
        00 FF 03 01 54
        00 FF 58 04 04 02 18 08
        00 FF 59 02 00 01
        00 FF 51 03 07 A1 20
        87 40 FF 2F 00
      4D54726B 00000027
        00 FF 03 04 4C 65 61 64
        00 C0 51
        00 90 3C 64
        00 43 64
        83 60 80 3C 40
        00 43 40
        00 90 40 5A
        83 60 80 40 40
        00 FF 2F 00
      """)
    #expect(try MIDIFileWriter.data(for: ScoreFixtures.small) == expected)
  }

  @Test(arguments: [
    (0, [0x00]), (127, [0x7F]), (128, [0x81, 0x00]), (480, [0x83, 0x60]), (0x3FFF, [0xFF, 0x7F]),
    (0x4000, [0x81, 0x80, 0x00]), (0x0FFF_FFFF, [0xFF, 0xFF, 0xFF, 0x7F]),
  ])
  func variableLengthQuantities(_ c: (Int, [UInt8])) {
    #expect(MIDIFileWriter.variableLength(c.0) == c.1)
  }

  /// Writer → reader over many generated scores: the notes, controllers, bends, lyrics, tempo
  /// map, signatures and markers all come back.
  @Test(arguments: 1...60)
  func roundTrip(_ seed: Int) throws {
    let score = ScoreFixtures.random(seed: UInt64(seed))
    let bytes = try MIDIFileWriter.data(for: score)
    let back = Score(midi: try MIDIFile(bytes: bytes))
    #expect(back.title == score.title)
    #expect(back.tracks.count == score.tracks.count)
    for (a, b) in zip(score.tracks, back.tracks) {
      #expect(a.name == b.name)
      #expect(a.channel == b.channel)
      #expect(a.isDrum == b.isDrum)
      if !a.isDrum { #expect(a.program == b.program) }
      #expect(a.bank == b.bank)
      let written = a.writtenNotes().map { Note(onset: Double($0.on) / 480, duration: Double($0.off - $0.on) / 480, pitch: $0.note.pitch, velocity: $0.note.velocity) }
      #expect(written.sorted { ($0.onset, $0.pitch) < ($1.onset, $1.pitch) } == b.notes.sorted { ($0.onset, $0.pitch) < ($1.onset, $1.pitch) })
      #expect(Set(a.controls) == Set(b.controls))
      #expect(a.bends.count == b.bends.count)
      if !a.bends.isEmpty { #expect(a.pitchBendRange == b.pitchBendRange) }
      for (x, y) in zip(a.bends.sorted { $0.beat < $1.beat }, b.bends.sorted { $0.beat < $1.beat }) {
        #expect(x.beat == y.beat)
        #expect(abs(x.semitones - y.semitones) <= Double(a.pitchBendRange) / 8192)
      }
      #expect(a.lyrics.map(\.text).sorted() == b.lyrics.map(\.text).sorted())
    }
    #expect(back.timeSignatures == score.timeSignatures)
    #expect(back.keySignatures == score.keySignatures)
    #expect(back.markers == score.markers)
    #expect(back.tempos.count == score.tempos.count)
    for (x, y) in zip(score.tempos, back.tempos) { #expect(abs(x.bpm - y.bpm) / x.bpm < 1e-4 && x.beat == y.beat) }
  }

  /// The strict external parser (mido) reads every file with the same note count.
  @Test(arguments: [0, 3, 7, 11, 19, 23])
  func midoReadsOurFiles(_ seed: Int) throws {
    let score = seed == 0 ? ScoreFixtures.small : ScoreFixtures.random(seed: UInt64(seed))
    let dir = TemporaryDirectory()
    let path = dir.file("score.mid")
    try MIDIFileWriter.write(score, to: path)
    let report = try CommandRunner.pythonJSON("check_midi.py", path)
    let notes = score.tracks.reduce(0) { $0 + $1.writtenNotes().count }
    #expect(report["notes"] as? Int == notes)
    #expect(report["tracks"] as? Int == score.tracks.count + 1)
    #expect(report["type"] as? Int == 1)
    #expect(report["ticks_per_beat"] as? Int == 480)
    #expect((report["problems"] as? [String])?.isEmpty == true, "\(report["problems"] ?? "")")
    #expect((report["names"] as? [String]) == [score.title] + score.tracks.map(\.name))
  }

  struct Malformed: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var testDescription: String { label }
  }

  static var malformed: [Malformed] {
    let good = (try? MIDIFileWriter.data(for: ScoreFixtures.small)) ?? []
    func edit(_ f: (inout [UInt8]) -> Void) -> [UInt8] {
      var b = good
      f(&b)
      return b
    }
    let track1 = 14 + 8 + 31  // start of the second MTrk chunk
    return [
      Malformed(label: "bad magic", bytes: edit { $0[0] = 0x58 }),
      Malformed(label: "header length 4", bytes: edit { $0[7] = 4 }),
      Malformed(label: "format 3", bytes: edit { $0[9] = 3 }),
      Malformed(label: "SMPTE division", bytes: edit { $0[12] = 0xE7 }),
      Malformed(label: "more tracks than chunks", bytes: edit { $0[11] = 3 }),
      Malformed(label: "chunk length +10", bytes: edit { $0[21] += 10 }),
      Malformed(label: "chunk length -3 (EOT lost)", bytes: edit { $0[21] -= 3 }),
      Malformed(label: "data byte 200", bytes: edit { $0[track1 + 8 + 8 + 2] = 200 }),
      Malformed(label: "running status with none set", bytes: edit { $0[track1 + 8 + 8 + 1] = 0x51 }),
      Malformed(
        label: "events after End-of-Track",
        bytes: edit { b in
          b[track1 + 7] += 4
          b.append(contentsOf: [0x00, 0x90, 0x3C, 0x40])
        }),
      Malformed(
        label: "variable-length quantity of 5 bytes",
        bytes: edit { b in
          b.replaceSubrange((track1 + 8)..<(track1 + 9), with: [0x80, 0x80, 0x80, 0x80, 0x00])
          b[track1 + 7] += 4
        }),
      Malformed(label: "tempo meta of length 2", bytes: edit { $0[14 + 8 + 5 + 8 + 6 + 3] = 2 }),
    ]
  }

  @Test(arguments: malformed)
  func rejectsMalformed(_ c: Malformed) {
    #expect(throws: MIDIFileError.self) { try MIDIFile(bytes: c.bytes) }
  }

  @Test func everyTruncationIsRejected() throws {
    let full = try MIDIFileWriter.data(for: ScoreFixtures.random(seed: 5))
    for length in 0..<full.count {
      #expect(throws: MIDIFileError.self) { try MIDIFile(bytes: Array(full[0..<length])) }
    }
    #expect(try MIDIFile(bytes: full).tracks.count >= 2)
  }

  @Test func drumsUseChannelTenAndNoProgram() throws {
    var s = Score(title: "D")
    s.tracks = [Track(name: "Drums", channel: 9, program: 5, isDrum: true, notes: [Note(onset: 0, duration: 0.25, pitch: 36, velocity: 100)])]
    let file = try MIDIFile(bytes: try MIDIFileWriter.data(for: s))
    let events = file.tracks[1].map(\.event)
    #expect(!events.contains { if case .programChange = $0 { true } else { false } })
    #expect(events.contains(.noteOn(channel: 9, key: 36, velocity: 100)))
    s.tracks[0].channel = 3
    #expect(throws: ScoreError.self) { try MIDIFileWriter.data(for: s) }
  }

  /// The pitch-bend range is set by RPN 0 before the first bend.
  @Test func bendRangeBeforeBends() throws {
    var s = ScoreFixtures.small
    s.tracks[0].pitchBendRange = 12
    s.tracks[0].bends = [PitchBend(beat: 0, semitones: 12), PitchBend(beat: 0.5, semitones: 0)]
    let events = try MIDIFile(bytes: try MIDIFileWriter.data(for: s)).tracks[1].map(\.event)
    let rpn = events.firstIndex(of: .controlChange(channel: 0, controller: 6, value: 12))
    let bend = events.firstIndex { if case .pitchBend = $0 { true } else { false } }
    #expect(rpn != nil && bend != nil && rpn! < bend!)
    #expect(events.contains(.pitchBend(channel: 0, value: 16383)))
  }

  /// A failed write leaves the good file alone and no partial file behind.
  @Test func atomicWrites() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("score.mid")
    try MIDIFileWriter.write(ScoreFixtures.small, to: path)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    var bad = ScoreFixtures.small
    bad.tracks[0].notes[0].velocity = 0
    #expect(throws: ScoreError.self) { try MIDIFileWriter.write(bad, to: path) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(throws: (any Error).self) { try MIDIFileWriter.write(ScoreFixtures.small, to: dir.path + "/missing/score.mid") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["score.mid"])
  }

  @Test func provenanceTableFollowsTheFile() throws {
    let s = ScoreFixtures.random(seed: 9)
    let table = s.provenanceTable
    #expect(table.count == s.tracks.reduce(0) { $0 + $1.writtenNotes().count })
    let json = try JSONSerialization.jsonObject(with: try s.provenanceJSON()) as? [String: Any]
    #expect((json?["notes"] as? [[String: Any]])?.count == table.count)
    let small = ScoreFixtures.small.provenanceTable
    #expect(small.map(\.pitch) == [60, 67, 64])
    #expect(small.allSatisfy { $0.tensor == "w" && $0.statistic == "singular_values" && $0.layer == 0 })
  }
}
