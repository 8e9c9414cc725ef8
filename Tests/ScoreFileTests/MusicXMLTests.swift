import Foundation
import MusicXML
import Score
import Testing
import _TestSupport

@Suite("MusicXML")
struct MusicXMLTests {
  static func document(_ score: Score) throws -> String { try MusicXMLWriter().document(for: score) }

  @Test func headerAndConsistentPartIDs() throws {
    var s = ScoreFixtures.small
    s.tracks.append(Track(name: "Drums", channel: 9, isDrum: true, notes: [Note(onset: 0, duration: 0.5, pitch: 36, velocity: 100)]))
    let xml = try Self.document(s)
    #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<!DOCTYPE score-partwise PUBLIC \"-//Recordare//DTD MusicXML 4.0 Partwise//EN\""))
    #expect(xml.contains("<score-partwise version=\"4.0\">"))
    #expect(xml.contains("<score-part id=\"P1\">") && xml.contains("<part id=\"P1\">"))
    #expect(xml.contains("<score-part id=\"P2\">") && xml.contains("<part id=\"P2\">"))
    #expect(xml.contains("<midi-program>82</midi-program>"))  // 1-based
    #expect(xml.contains("<midi-unpitched>37</midi-unpitched>"))  // GM key 36 + 1
    #expect(xml.contains("<sign>percussion</sign>"))
    #expect(xml.contains("<unpitched>"))
    #expect(xml.contains("<mode>minor</mode>"))
    #expect(xml.contains("<per-minute>120</per-minute>"))
  }

  /// A note crossing a bar line is split into two tied notes; a chord shares one onset.
  @Test func tiesAcrossBarLinesAndChords() throws {
    var s = Score(title: "Ties")
    s.tracks = [
      Track(
        name: "Piano", channel: 0,
        notes: [
          Note(onset: 3, duration: 2, pitch: 60, velocity: 80),
          Note(onset: 0, duration: 1, pitch: 64, velocity: 80),
          Note(onset: 0, duration: 1, pitch: 67, velocity: 80),
        ])
    ]
    let xml = try Self.document(s)
    #expect(xml.components(separatedBy: "<tie type=\"start\"/>").count - 1 == 1)
    #expect(xml.components(separatedBy: "<tie type=\"stop\"/>").count - 1 == 1)
    #expect(xml.components(separatedBy: "<chord/>").count - 1 == 1)
    #expect(xml.components(separatedBy: "<measure number=").count - 1 == 2)
  }

  /// Every measure of every voice adds up to the time signature.
  @Test(arguments: [1, 4, 8, 13])
  func measuresAreFull(_ seed: Int) throws {
    let s = ScoreFixtures.random(seed: UInt64(seed))
    let xml = try Self.document(s)
    let signature = s.timeSignatures[0]
    let perMeasure = Int(signature.beatsPerBar * 4)
    for measure in xml.components(separatedBy: "<measure number=").dropFirst() {
      let body = measure.components(separatedBy: "</measure>")[0]
      var voices: [String: Int] = [:]
      for note in body.components(separatedBy: "<note>").dropFirst() {
        if note.contains("<chord/>") { continue }
        guard let d = Int(note.between("<duration>", "</duration>")), let v = note.between("<voice>", "</voice>").nilIfEmpty else { continue }
        voices[v, default: 0] += d
      }
      for (v, total) in voices { #expect(total == perMeasure, "voice \(v): \(total) of \(perMeasure)") }
    }
  }

  /// music21 reads our files with the expected parts and notes.
  @Test(arguments: [0, 2, 6, 10])
  func music21ReadsOurFiles(_ seed: Int) throws {
    let s = seed == 0 ? ScoreFixtures.small : ScoreFixtures.random(seed: UInt64(seed))
    let dir = TemporaryDirectory()
    let path = dir.file("score.musicxml")
    try MusicXMLWriter().write(s, to: path)
    let report = try CommandRunner.pythonJSON("check_musicxml.py", path)
    let parts = try #require(report["parts"] as? [[String: Any]])
    #expect(parts.count == s.tracks.count)
    let writer = MusicXMLWriter()
    for (part, track) in zip(parts, s.tracks) {
      #expect(part["name"] as? String == track.name)
      // Notes after quantisation: distinct (onset, end, pitch) events.
      let expected = Set(
        track.writtenNotes().map { w -> String in
          let on = Int((w.note.onset / writer.grid).rounded())
          let off = max(on + 1, Int((w.note.end / writer.grid).rounded()))
          return "\(on):\(off):\(w.note.pitch)"
        }
      ).count
      let found = (part["notes"] as? Int ?? 0) + (part["unpitched"] as? Int ?? 0)
      #expect(found == expected, "\(track.name): \(found) vs \(expected)")
      #expect(part["tie_starts"] as? Int == part["tie_stops"] as? Int)
    }
  }

  @Test func escapesText() throws {
    var s = ScoreFixtures.small
    s.title = "A <b> & \"c\""
    s.tracks[0].name = "Strings & <Brass>"
    let xml = try Self.document(s)
    #expect(xml.contains("A &lt;b&gt; &amp; &quot;c&quot;"))
    #expect(xml.contains("Strings &amp; &lt;Brass&gt;"))
  }
}

extension String {
  func between(_ a: String, _ b: String) -> String {
    guard let start = range(of: a)?.upperBound, let end = self[start...].range(of: b)?.lowerBound else { return "" }
    return String(self[start..<end])
  }

  var nilIfEmpty: String? { isEmpty ? nil : self }
}

@Suite("MusicXML signature maps")
struct MusicXMLSignatureMapTests {
  /// 4/4 for two bars, 3/4 from beat 8, 6/8 from beat 17; G major from beat 11 (a bar line),
  /// F major from beat 12.5 (mid-bar: lands on the bar line at 14). A note crosses every change
  /// and keeps the spelling of the key it starts in (a tie joins notes spelt alike).
  static var changing: Score {
    var s = Score(
      title: "Changes",
      timeSignatures: [
        .init(beat: 0, numerator: 4, denominator: 4), .init(beat: 8, numerator: 3, denominator: 4),
        .init(beat: 17, numerator: 6, denominator: 8),
      ],
      keySignatures: [
        .init(beat: 0, fifths: 0, minor: false), .init(beat: 11, fifths: 1, minor: false),
        .init(beat: 12.5, fifths: -1, minor: false),
      ])
    s.tracks = [
      Track(
        name: "Line", channel: 0,
        notes: [
          Note(onset: 6, duration: 4, pitch: 70, velocity: 80),  // A♯ in C major, across 4/4 → 3/4
          Note(onset: 10.5, duration: 7, pitch: 70, velocity: 80),  // across the keys and the 6/8
          Note(onset: 20, duration: 1, pitch: 70, velocity: 80),  // B♭ in F major
        ])
    ]
    return s
  }

  @Test func barsFollowTheTimeSignatureMap() throws {
    let m = try MusicXMLWriter().measures(of: Self.changing, covering: 21 * 4)
    #expect(m.map(\.start) == [0, 16, 32, 44, 56, 68, 80])
    #expect(m.map(\.length) == [16, 16, 12, 12, 12, 12, 12])
    #expect(m.map(\.showsTime) == [true, false, true, false, false, true, false])
    #expect(m.map { $0.key?.fifths ?? 99 } == [0, 0, 0, 1, -1, -1, -1])
    #expect(m.map(\.showsKey) == [true, false, false, true, true, false, false])
  }

  /// Every voice of every bar adds up to that bar's own length; keys spell the accidentals.
  @Test func barsAreFullAndSpeltInTheirKey() throws {
    let xml = try MusicXMLWriter().document(for: Self.changing)
    let lengths = [16, 16, 12, 12, 12, 12, 12]
    let bars = xml.components(separatedBy: "<measure number=").dropFirst()
    #expect(bars.count == lengths.count)
    for (bar, length) in zip(bars, lengths) {
      let body = bar.components(separatedBy: "</measure>")[0]
      let total = body.components(separatedBy: "<duration>").dropFirst().reduce(0) {
        $0 + (Int($1.components(separatedBy: "</duration>")[0]) ?? 0)
      }
      #expect(total == length)
    }
    #expect(xml.components(separatedBy: "<time>").count - 1 == 3)
    #expect(xml.components(separatedBy: "<key>").count - 1 == 3)
    let compact = bars.map { $0.filter { !$0.isWhitespace } }
    #expect(compact.map { $0.contains("<step>A</step><alter>1</alter>") } == [false, true, true, true, true, true, false])
    #expect(compact.map { $0.contains("<step>B</step><alter>-1</alter>") } == [false, false, false, false, false, false, true])
  }

  /// music21 finds the meters and keys in the bars where they change.
  @Test func music21SeesTheChanges() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("changes.musicxml")
    try MusicXMLWriter().write(Self.changing, to: path)
    let report = try CommandRunner.pythonJSON("check_musicxml.py", path)
    let part = try #require((report["parts"] as? [[String: Any]])?.first)
    let times = (part["times"] as? [[Any]] ?? []).map { "\($0[0]):\($0[1])" }
    let keys = (part["keys"] as? [[Any]] ?? []).map { "\($0[0]):\($0[1])" }
    #expect(times == ["1:4/4", "3:3/4", "6:6/8"])
    #expect(keys == ["1:0", "4:1", "5:-1"])
    #expect(part["notes"] as? Int == 3)
    #expect(part["tie_starts"] as? Int == part["tie_stops"] as? Int)
  }

  @Test(arguments: [(3, 8, 1.0), (1, 32, 0.25), (5, 16, 0.5)])
  func metersOffTheGridAreRefused(_ numerator: Int, _ denominator: Int, _ grid: Double) {
    var s = ScoreFixtures.small
    s.timeSignatures = [.init(beat: 0, numerator: numerator, denominator: denominator)]
    #expect(throws: ScoreError("time signature \(numerator)/\(denominator) does not fit the MusicXML grid of \(grid) beat")) {
      try MusicXMLWriter(grid: grid).document(for: s)
    }
  }
}
