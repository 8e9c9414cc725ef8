extension MIDIFile {
  /// Parses a Standard MIDI File strictly: header `MThd` of length ≥ 6, format 0–2, a tick
  /// division (SMPTE timing is rejected), exactly `ntrks` `MTrk` chunks whose lengths match
  /// their contents, variable-length quantities of at most 4 bytes, data bytes 0–127, no data
  /// byte without a running status, and End-of-Track as the last event of every track. Other
  /// chunk types are skipped, as the standard asks.
  public init(bytes: [UInt8]) throws(MIDIFileError) {
    var p = 0
    func fail(_ reason: String, at offset: Int? = nil) -> MIDIFileError { MIDIFileError(offset: offset ?? p, reason: reason) }
    func u32(_ at: Int) -> Int {
      Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }
    func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
    guard bytes.count >= 14, bytes[0..<4].elementsEqual("MThd".utf8) else { throw fail("missing MThd header", at: 0) }
    let headerLength = u32(4)
    guard headerLength >= 6, 8 + headerLength <= bytes.count else { throw fail("header length \(headerLength) is invalid", at: 4) }
    let format = u16(8), trackCount = u16(10), division = u16(12)
    guard format <= 2 else { throw fail("format \(format) is not 0, 1 or 2", at: 8) }
    guard division & 0x8000 == 0, division > 0 else { throw fail("SMPTE or zero division is not supported", at: 12) }
    p = 8 + headerLength
    var tracks: [[TimedEvent]] = []
    while tracks.count < trackCount {
      guard p + 8 <= bytes.count else { throw fail("file ends after \(tracks.count) of \(trackCount) tracks") }
      let length = u32(p + 4)
      let body = p + 8
      guard length <= bytes.count - body else { throw fail("chunk length \(length) runs past the end of the file") }
      if bytes[p..<(p + 4)].elementsEqual("MTrk".utf8) {
        tracks.append(try Self.parseTrack(bytes, from: body, to: body + length))
      }
      p = body + length
    }
    self.format = format
    self.division = division
    self.tracks = tracks
  }

  static func parseTrack(_ bytes: [UInt8], from start: Int, to end: Int) throws(MIDIFileError) -> [TimedEvent] {
    var p = start
    var tick = 0
    var status: UInt8?
    var events: [TimedEvent] = []
    var ended = false
    func fail(_ reason: String) -> MIDIFileError { MIDIFileError(offset: p, reason: reason) }
    func readVariableLength() throws(MIDIFileError) -> Int {
      var value = 0
      for _ in 0..<4 {
        guard p < end else { throw fail("variable-length quantity runs past the chunk") }
        let b = bytes[p]
        p += 1
        value = value << 7 | Int(b & 0x7F)
        if b & 0x80 == 0 { return value }
      }
      throw fail("variable-length quantity longer than 4 bytes")
    }
    func dataByte() throws(MIDIFileError) -> Int {
      guard p < end else { throw fail("event runs past the chunk") }
      let b = bytes[p]
      guard b < 0x80 else { throw fail("data byte \(b) outside 0…127") }
      p += 1
      return Int(b)
    }
    while p < end {
      guard !ended else { throw fail("events after End-of-Track") }
      tick += try readVariableLength()
      guard p < end else { throw fail("delta time without an event") }
      let first = bytes[p]
      if first == 0xFF {
        p += 1
        guard p < end else { throw fail("meta event runs past the chunk") }
        let type = bytes[p]
        p += 1
        let length = try readVariableLength()
        guard length <= end - p else { throw fail("meta event length \(length) runs past the chunk") }
        let data = Array(bytes[p..<(p + length)])
        p += length
        status = nil
        switch type {
        case 0x2F:
          guard length == 0 else { throw fail("End-of-Track with data") }
          ended = true
        case 0x51 where length != 3: throw fail("tempo event of length \(length), not 3")
        case 0x58 where length != 4: throw fail("time signature of length \(length), not 4")
        case 0x59 where length != 2: throw fail("key signature of length \(length), not 2")
        default: break
        }
        events.append(TimedEvent(tick: tick, event: .meta(type: type, data: data)))
        continue
      }
      if first == 0xF0 || first == 0xF7 {
        p += 1
        let length = try readVariableLength()
        guard length <= end - p else { throw fail("sysex length \(length) runs past the chunk") }
        events.append(TimedEvent(tick: tick, event: .sysex(Array(bytes[p..<(p + length)]))))
        p += length
        status = nil
        continue
      }
      let s: UInt8
      if first & 0x80 != 0 {
        guard first < 0xF0 else { throw fail("system message 0x\(String(first, radix: 16)) inside a track") }
        s = first
        status = first
        p += 1
      } else {
        guard let running = status else { throw fail("data byte without a status (running status with none set)") }
        s = running
      }
      let channel = Int(s & 0x0F)
      let event: Event
      switch s & 0xF0 {
      case 0x80: event = .noteOff(channel: channel, key: try dataByte(), velocity: try dataByte())
      case 0x90:
        let key = try dataByte(), velocity = try dataByte()
        event = velocity == 0 ? .noteOff(channel: channel, key: key, velocity: 0) : .noteOn(channel: channel, key: key, velocity: velocity)
      case 0xA0: event = .polyPressure(channel: channel, key: try dataByte(), value: try dataByte())
      case 0xB0: event = .controlChange(channel: channel, controller: try dataByte(), value: try dataByte())
      case 0xC0: event = .programChange(channel: channel, program: try dataByte())
      case 0xD0: event = .channelPressure(channel: channel, value: try dataByte())
      default:
        let lsb = try dataByte(), msb = try dataByte()
        event = .pitchBend(channel: channel, value: msb << 7 | lsb)
      }
      events.append(TimedEvent(tick: tick, event: event))
    }
    guard ended else { throw MIDIFileError(offset: end, reason: "track has no End-of-Track") }
    return events
  }
}
