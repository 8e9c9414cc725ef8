public import Score

extension Score {
  /// Reads a score back from a parsed MIDI file (the inverse of ``MIDIFileWriter`` up to tick
  /// rounding; provenance is not stored in MIDI). Track 0 of a format-1 file is the conductor.
  public init(midi: MIDIFile) {
    let tpq = Double(midi.division)
    func beat(_ tick: Int) -> Double { Double(tick) / tpq }
    func string(_ data: [UInt8]) -> String { String(decoding: data, as: UTF8.self) }
    var score = Score(title: "", tempos: [], timeSignatures: [])
    let conductorCount = midi.format == 1 && midi.tracks.count > 0 ? 1 : 0
    for (index, events) in midi.tracks.enumerated() {
      var track = Track(name: "", channel: 0)
      var open: [Int: [(tick: Int, velocity: Int)]] = [:]
      var notes: [(on: Int, off: Int, key: Int, velocity: Int)] = []
      var sawChannel = false
      var rpn = (msb: 127, lsb: 127)
      for e in events {
        switch e.event {
        case .meta(let type, let data):
          switch type {
          case 0x03: if index < conductorCount { score.title = string(data) } else { track.name = string(data) }
          case 0x51:
            let micros = Int(data[0]) << 16 | Int(data[1]) << 8 | Int(data[2])
            score.tempos.append(Tempo(beat: beat(e.tick), bpm: 60_000_000 / Double(max(1, micros))))
          case 0x58: score.timeSignatures.append(TimeSignature(beat: beat(e.tick), numerator: Int(data[0]), denominator: 1 << Int(data[1])))
          case 0x59: score.keySignatures.append(KeySignature(beat: beat(e.tick), fifths: Int(Int8(bitPattern: data[0])), minor: data[1] == 1))
          case 0x06: score.markers.append(Marker(beat: beat(e.tick), text: string(data)))
          case 0x01, 0x05:
            let t = TextEvent(beat: beat(e.tick), text: string(data), kind: type == 0x05 ? .lyric : .text)
            if index < conductorCount { score.texts.append(t) } else { track.lyrics.append(t) }
          default: break
          }
        case .noteOn(let ch, let key, let velocity):
          if !sawChannel { track.channel = ch; sawChannel = true }
          open[key, default: []].append((e.tick, velocity))
        case .noteOff(let ch, let key, _):
          if !sawChannel { track.channel = ch; sawChannel = true }
          if var stack = open[key], !stack.isEmpty {
            let start = stack.removeFirst()
            open[key] = stack
            notes.append((start.tick, e.tick, key, start.velocity))
          }
        case .programChange(let ch, let program):
          if !sawChannel { track.channel = ch; sawChannel = true }
          track.program = program
        case .controlChange(let ch, let controller, let value):
          if !sawChannel { track.channel = ch; sawChannel = true }
          switch controller {
          case 0: track.bank = value << 7 | (track.bank & 0x7F)
          case 32: track.bank = (track.bank & ~0x7F) | value
          case 101: rpn.msb = value
          case 100: rpn.lsb = value
          case 6 where rpn == (0, 0): track.pitchBendRange = value
          case 38 where rpn == (0, 0): break
          default:
            if !(controller == 6 || controller == 38) {
              track.controls.append(ControlChange(beat: beat(e.tick), controller: controller, value: value))
            }
          }
        case .pitchBend(let ch, let value):
          if !sawChannel { track.channel = ch; sawChannel = true }
          track.bends.append(PitchBend(beat: beat(e.tick), semitones: Double(value - 8192) / 8192 * Double(track.pitchBendRange)))
        default: break
        }
      }
      guard index >= conductorCount else { continue }
      track.isDrum = track.channel == 9
      track.notes = notes.map { Note(onset: beat($0.on), duration: beat($0.off - $0.on), pitch: $0.key, velocity: $0.velocity) }
      score.tracks.append(track)
    }
    self = score
  }
}
