import AtomicFile
public import Score

/// Writes Standard MIDI Files (format 1, 480 ticks per quarter note).
///
/// Track 0 is the conductor: the title, tempo map, time and key signatures, section markers
/// (marker meta events) and score-level text. Then one named track per part, on the part's own
/// channel: bank and program at tick 0 (no program for drums), the pitch-bend range by RPN 0
/// before any bend, then controllers, bends, lyrics and notes. At the same tick note-offs come
/// first, then text, controllers, bends and note-ons. Running status is used only between
/// channel messages (any meta event cancels it). Every track ends with End-of-Track at the
/// same final tick; chunk lengths are exact.
public enum MIDIFileWriter {
  /// 480 ticks per quarter note: divisible by 2, 3, 4, 5, 6, 8, 10, 12 and 16, so triplets and
  /// quintuplets land on ticks; mido's default.
  public static let ticksPerQuarter = 480

  struct Event {
    var tick: Int
    /// Order among events on the same tick.
    var priority: Int
    var bytes: [UInt8]
    /// Channel messages may use running status; meta events may not.
    var isChannelMessage: Bool
  }

  /// The complete file.
  public static func data(for score: Score) throws(ScoreError) -> [UInt8] {
    try score.validate()
    var trackEvents: [[Event]] = [conductor(score)]
    for track in score.tracks { trackEvents.append(events(for: track)) }
    let end = trackEvents.flatMap { $0.map(\.tick) }.max() ?? 0
    var out: [UInt8] = Array("MThd".utf8)
    appendBigEndian(&out, UInt32(6))
    appendBigEndian(&out, UInt16(1))
    appendBigEndian(&out, UInt16(trackEvents.count))
    appendBigEndian(&out, UInt16(ticksPerQuarter))
    for events in trackEvents {
      let body = encode(events, endTick: end)
      out.append(contentsOf: Array("MTrk".utf8))
      appendBigEndian(&out, UInt32(body.count))
      out.append(contentsOf: body)
    }
    return out
  }

  static func tick(_ beat: Double) -> Int { Int((beat * Double(ticksPerQuarter)).rounded()) }

  static func meta(_ type: UInt8, _ data: [UInt8]) -> [UInt8] {
    [0xFF, type] + variableLength(data.count) + data
  }

  static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

  static func conductor(_ score: Score) -> [Event] {
    var e: [Event] = [Event(tick: 0, priority: 0, bytes: meta(0x03, text(score.title)), isChannelMessage: false)]
    for t in score.timeSignatures {
      let dd = UInt8(t.denominator.trailingZeroBitCount)
      e.append(Event(tick: tick(t.beat), priority: 1, bytes: meta(0x58, [UInt8(t.numerator), dd, 24, 8]), isChannelMessage: false))
    }
    for k in score.keySignatures {
      e.append(Event(tick: tick(k.beat), priority: 2, bytes: meta(0x59, [UInt8(bitPattern: Int8(k.fifths)), k.minor ? 1 : 0]), isChannelMessage: false))
    }
    for t in score.tempos {
      let micros = UInt32((60_000_000 / t.bpm).rounded())
      let bytes = [UInt8(micros >> 16 & 0xFF), UInt8(micros >> 8 & 0xFF), UInt8(micros & 0xFF)]
      e.append(Event(tick: tick(t.beat), priority: 3, bytes: meta(0x51, bytes), isChannelMessage: false))
    }
    for m in score.markers {
      e.append(Event(tick: tick(m.beat), priority: 4, bytes: meta(0x06, text(m.text)), isChannelMessage: false))
    }
    for t in score.texts {
      e.append(Event(tick: tick(t.beat), priority: 5, bytes: meta(t.kind == .lyric ? 0x05 : 0x01, text(t.text)), isChannelMessage: false))
    }
    return e
  }

  static func events(for track: Track) -> [Event] {
    let ch = UInt8(track.channel)
    var e: [Event] = [Event(tick: 0, priority: 1, bytes: meta(0x03, text(track.name)), isChannelMessage: false)]
    func cc(_ tick: Int, _ priority: Int, _ controller: Int, _ value: Int) {
      e.append(Event(tick: tick, priority: priority, bytes: [0xB0 | ch, UInt8(controller), UInt8(min(127, max(0, value)))], isChannelMessage: true))
    }
    if track.bank != 0 {
      cc(0, 2, 0, track.bank >> 7)
      cc(0, 2, 32, track.bank & 0x7F)
    }
    if !track.isDrum {
      e.append(Event(tick: 0, priority: 2, bytes: [0xC0 | ch, UInt8(track.program)], isChannelMessage: true))
    }
    if !track.bends.isEmpty {
      for (controller, value) in [(101, 0), (100, 0), (6, track.pitchBendRange), (38, 0), (101, 127), (100, 127)] {
        cc(0, 2, controller, value)
      }
    }
    for c in track.controls { cc(tick(c.beat), 3, c.controller, c.value) }
    for b in track.bends {
      let value = Int((8192 + b.semitones / Double(track.pitchBendRange) * 8192).rounded())
      let v = min(16383, max(0, value))
      e.append(Event(tick: tick(b.beat), priority: 4, bytes: [0xE0 | ch, UInt8(v & 0x7F), UInt8(v >> 7)], isChannelMessage: true))
    }
    for l in track.lyrics {
      e.append(Event(tick: tick(l.beat), priority: 1, bytes: meta(l.kind == .lyric ? 0x05 : 0x01, text(l.text)), isChannelMessage: false))
    }
    for w in track.writtenNotes(ticksPerQuarter: ticksPerQuarter) {
      let key = UInt8(w.note.pitch)
      e.append(Event(tick: w.on, priority: 5, bytes: [0x90 | ch, key, UInt8(w.note.velocity)], isChannelMessage: true))
      e.append(Event(tick: w.off, priority: 0, bytes: [0x80 | ch, key, 64], isChannelMessage: true))
    }
    return e
  }

  /// Sorts events (stable within a tick and priority) and encodes delta times, running status
  /// and the final End-of-Track.
  static func encode(_ events: [Event], endTick: Int) -> [UInt8] {
    let sorted = events.enumerated().sorted { a, b in
      (a.element.tick, a.element.priority, a.offset) < (b.element.tick, b.element.priority, b.offset)
    }.map(\.element)
    var out: [UInt8] = []
    var last = 0
    var runningStatus: UInt8?
    for e in sorted {
      out.append(contentsOf: variableLength(e.tick - last))
      last = e.tick
      if e.isChannelMessage, let status = e.bytes.first {
        if status == runningStatus {
          out.append(contentsOf: e.bytes.dropFirst())
        } else {
          out.append(contentsOf: e.bytes)
          runningStatus = status
        }
      } else {
        out.append(contentsOf: e.bytes)
        runningStatus = nil
      }
    }
    out.append(contentsOf: variableLength(max(0, endTick - last)))
    out.append(contentsOf: [0xFF, 0x2F, 0x00])
    return out
  }

  /// A variable-length quantity: 7 bits per byte, most significant first, continuation bit set
  /// on all but the last byte. Values are clamped to the format's maximum, 0x0FFFFFFF.
  public static func variableLength(_ value: Int) -> [UInt8] {
    var v = UInt32(min(max(0, value), 0x0FFF_FFFF))
    var bytes = [UInt8(v & 0x7F)]
    v >>= 7
    while v > 0 {
      bytes.insert(UInt8(v & 0x7F) | 0x80, at: 0)
      v >>= 7
    }
    return bytes
  }

  static func appendBigEndian<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
  }
}

extension MIDIFileWriter {
  /// Writes `score` to `path` atomically.
  public static func write(_ score: Score, to path: String) throws {
    try AtomicFile.write(try data(for: score), to: path)
  }
}
