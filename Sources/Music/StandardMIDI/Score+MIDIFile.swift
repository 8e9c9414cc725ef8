public import Score

extension Score {
  /// Reads a score back from a parsed MIDI file (the inverse of ``MIDIFileWriter`` up to tick
  /// rounding; provenance is not stored in MIDI). Meta events (tempo, signatures, markers) are
  /// global wherever they stand; every MIDI channel used in a file track becomes one part, so
  /// format-0 files and conductor tracks that also hold notes lose nothing.
  public init(midi: MIDIFile) {
    let tpq = Double(midi.division)
    func beat(_ tick: Int) -> Double { Double(tick) / tpq }
    func string(_ data: [UInt8]) -> String { String(decoding: data, as: UTF8.self) }
    var score = Score(title: "", tempos: [], timeSignatures: [])

    /// One channel's part while a file track is read.
    struct Part {
      var track: Track
      var open: [Int: [(tick: Int, velocity: Int)]] = [:]
      var notes: [(on: Int, off: Int, key: Int, velocity: Int)] = []
      var rpn = (msb: 127, lsb: 127)
    }

    for (index, events) in midi.tracks.enumerated() {
      var name: String?
      var lyrics: [TextEvent] = []
      var parts: [Int: Part] = [:]
      var order: [Int] = []
      func part(_ ch: Int) -> Part {
        if let p = parts[ch] { return p }
        order.append(ch)
        return Part(track: Track(name: "", channel: ch))
      }
      for e in events {
        switch e.event {
        case .meta(let type, let data):
          switch type {
          case 0x03: if name == nil { name = string(data) }
          case 0x51:
            let micros = Int(data[0]) << 16 | Int(data[1]) << 8 | Int(data[2])
            score.tempos.append(Tempo(beat: beat(e.tick), bpm: 60_000_000 / Double(max(1, micros))))
          case 0x58: score.timeSignatures.append(TimeSignature(beat: beat(e.tick), numerator: Int(data[0]), denominator: 1 << Int(data[1])))
          case 0x59: score.keySignatures.append(KeySignature(beat: beat(e.tick), fifths: Int(Int8(bitPattern: data[0])), minor: data[1] == 1))
          case 0x06: score.markers.append(Marker(beat: beat(e.tick), text: string(data)))
          case 0x01, 0x05: lyrics.append(TextEvent(beat: beat(e.tick), text: string(data), kind: type == 0x05 ? .lyric : .text))
          default: break
          }
        case .noteOn(let ch, let key, let velocity):
          var p = part(ch)
          p.open[key, default: []].append((e.tick, velocity))
          parts[ch] = p
        case .noteOff(let ch, let key, _):
          var p = part(ch)
          if var stack = p.open[key], !stack.isEmpty {
            let start = stack.removeFirst()
            p.open[key] = stack
            p.notes.append((start.tick, e.tick, key, start.velocity))
          }
          parts[ch] = p
        case .programChange(let ch, let program):
          var p = part(ch)
          p.track.program = program
          parts[ch] = p
        case .controlChange(let ch, let controller, let value):
          var p = part(ch)
          switch controller {
          case 0: p.track.bank = value << 7 | (p.track.bank & 0x7F)
          case 32: p.track.bank = (p.track.bank & ~0x7F) | value
          case 101: p.rpn.msb = value
          case 100: p.rpn.lsb = value
          case 6 where p.rpn == (0, 0): p.track.pitchBendRange = value
          case 38 where p.rpn == (0, 0): break
          default:
            if !(controller == 6 || controller == 38) {
              p.track.controls.append(ControlChange(beat: beat(e.tick), controller: controller, value: value))
            }
          }
          parts[ch] = p
        case .pitchBend(let ch, let value):
          var p = part(ch)
          p.track.bends.append(PitchBend(beat: beat(e.tick), semitones: Double(value - 8192) / 8192 * Double(p.track.pitchBendRange)))
          parts[ch] = p
        default: break
        }
      }
      // A file track without channel events is a conductor track: its name is the title,
      // its texts are the score's.
      if order.isEmpty {
        if index == 0, let name { score.title = name }
        score.texts += lyrics
        continue
      }
      for ch in order {
        guard var p = parts[ch] else { continue }
        p.track.name = (name ?? "") + (order.count > 1 ? " \(ch + 1)" : "")
        p.track.isDrum = ch == 9
        p.track.lyrics = lyrics
        p.track.notes = p.notes.map { Note(onset: beat($0.on), duration: beat($0.off - $0.on), pitch: $0.key, velocity: $0.velocity) }
        score.tracks.append(p.track)
      }
    }
    self = score
  }
}
