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
    s.tracks = [Track(name: "Piano", channel: 0, notes: [
      Note(onset: 3, duration: 2, pitch: 60, velocity: 80),
      Note(onset: 0, duration: 1, pitch: 64, velocity: 80),
      Note(onset: 0, duration: 1, pitch: 67, velocity: 80),
    ])]
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
    let report = try ExternalTools.python("check_musicxml.py", path)
    let parts = try #require(report["parts"] as? [[String: Any]])
    #expect(parts.count == s.tracks.count)
    let writer = MusicXMLWriter()
    for (part, track) in zip(parts, s.tracks) {
      #expect(part["name"] as? String == track.name)
      // Notes after quantisation: distinct (onset, end, pitch) events.
      let expected = Set(track.writtenNotes().map { w -> String in
        let on = Int((w.note.onset / writer.grid).rounded())
        let off = max(on + 1, Int((w.note.end / writer.grid).rounded()))
        return "\(on):\(off):\(w.note.pitch)"
      }).count
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
