import Foundation
import Score
import ScoreReaders
import Testing

/// The MusicXML reader on a constructed document whose notes are known: two voices with
/// backup and forward, a chord, a tie across the bar line, a grace note, a triplet, a
/// transposing part, a change of divisions, entities, CDATA, comments and a DOCTYPE with an
/// internal subset, CR line endings.
@Suite("MusicXML reader")
struct MusicXMLReaderTests {
  static func note(_ step: String, _ octave: Int, _ duration: Int, alter: Int = 0, extra: String = "") -> String {
    "<note>\(extra)<pitch><step>\(step)</step>\(alter != 0 ? "<alter>\(alter)</alter>" : "")<octave>\(octave)</octave></pitch><duration>\(duration)</duration><voice>1</voice></note>"
  }

  static let document = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd" [ <!ENTITY x "y"> ]>
    <!-- a comment with <tags> inside -->
    <score-partwise version="4.0">
      <movement-title>Tom &amp; Jerry&#x27;s <![CDATA[<test>]]></movement-title>
      <part-list>
        <score-part id="P1"><part-name>Flute</part-name><midi-instrument id="I1"><midi-program>74</midi-program></midi-instrument></score-part>
        <score-part id="P2"><part-name>Clarinet in B&#9837;</part-name></score-part>
      </part-list>
      <part id="P1">
        <measure number="1">
          <attributes><divisions>2</divisions><key><fifths>-1</fifths><mode>minor</mode></key><time><beats>3</beats><beat-type>4</beat-type></time></attributes>
          <direction><sound tempo="96"/></direction>
          \(note("C", 5, 2))\(note("E", 5, 2, extra: "<chord/>"))
          \(note("D", 5, 0, extra: "<grace/>"))\(note("D", 5, 2))
          <note><rest/><duration>2</duration><voice>1</voice></note>
          <backup><duration>6</duration></backup>
          <forward><duration>2</duration></forward>
          \(note("A", 4, 4, extra: "").replacingOccurrences(of: "<duration>4</duration>", with: "<duration>4</duration><tie type=\"start\"/>"))
        </measure>
        <measure number="2">
          <attributes><divisions>6</divisions></attributes>
          \(note("A", 4, 6).replacingOccurrences(of: "<duration>6</duration>", with: "<duration>6</duration><tie type=\"stop\"/>"))
          \(note("B", 4, 2, alter: -1))\(note("C", 5, 2))\(note("D", 5, 2))
          \(note("F", 5, 6, alter: 1))
        </measure>
      </part>
      <part id="P2">
        <measure number="1">
          <attributes><divisions>1</divisions><transpose><diatonic>-1</diatonic><chromatic>-2</chromatic></transpose></attributes>
          \(note("D", 5, 3))
        </measure>
      </part>
    </score-partwise>
    """.replacingOccurrences(of: "\n", with: "\r")

  @Test func knownNotes() throws {
    let score = try MusicXMLReader.read(Data(Self.document.utf8), file: "t.xml", title: "t")
    #expect(score.title == "Tom & Jerry's <test>")
    #expect(score.tracks.map(\.name) == ["Flute", "Clarinet in B♭"])
    #expect(score.tracks[0].program == 73)
    #expect(score.tempos == [Score.Tempo(beat: 0, bpm: 96)])
    #expect(score.timeSignatures == [Score.TimeSignature(beat: 0, numerator: 3, denominator: 4)])
    #expect(score.keySignatures == [Score.KeySignature(beat: 0, fifths: -1, minor: true)])
    let flute = score.tracks[0].notes.map { [$0.pitch, Int(($0.onset * 6).rounded()), Int(($0.duration * 6).rounded())] }
    #expect(
      flute == [
        [72, 0, 6], [76, 0, 6],  // the chord
        [74, 6, 6],  // after the skipped grace note
        [69, 6, 18],  // voice 2: forward a quarter, A4 tied over the bar (2 + 1 quarters)
        [70, 24, 2], [72, 26, 2], [74, 28, 2],  // a triplet in the new divisions, after the tied A
        [78, 30, 6],
      ])
    // The clarinet sounds a major second below the written D5.
    #expect(score.tracks[1].notes.map(\.pitch) == [72])
  }

  @Test func brokenDocumentsNameTheirLine() {
    let cases: [(String, String)] = [
      ("<score-partwise>\n<part-list>\n</score-partwise>\n", "t.xml:3: broken XML (</score-partwise> closes <part-list> from line 2)"),
      ("<score-partwise>\n<a b=c/>\n</score-partwise>", "t.xml:2: broken XML (expected a quoted value for b in <a>)"),
      ("<score-partwise>&nbsp;</score-partwise>", "t.xml:1: broken XML (undefined entity &nbsp;)"),
      ("<score-partwise>\n<!-- never closed", "t.xml:2: broken XML (unterminated comment)"),
      ("", "t.xml:1: not an XML document (no root element)"),
    ]
    for (text, message) in cases {
      #expect(throws: ScoreReadError.self) { try MusicXMLReader.read(Data(text.utf8), file: "t.xml", title: "t") }
      do {
        _ = try MusicXMLReader.read(Data(text.utf8), file: "t.xml", title: "t")
      } catch {
        #expect(error.description == message)
      }
    }
  }
}
