public import Score
import SoundFont

/// Renders a score through libfluidsynth (not the command-line program): every event is sent
/// at its own sample position (the render is split there), and rendering stops when the last
/// note's release has decayed below −100 dBFS instead of FluidSynth's two seconds of silence.
public struct FluidSynthRenderer: Sendable {
  public var soundFont: String
  /// Hz.
  public var sampleRate: Double

  public init(soundFont: String, sampleRate: Double = 44_100) {
    self.soundFont = soundFont
    self.sampleRate = sampleRate
  }

  /// The soundfont to use: the given path, then `$EIGENTONE_SOUNDFONT`, then Debian's General
  /// MIDI soundfonts (FluidR3 first: it is the fuller and better one).
  public static func findSoundFont(_ given: String?, environment: [String: String]) -> String? {
    let candidates = [
      given, environment["EIGENTONE_SOUNDFONT"], "/usr/share/sounds/sf2/FluidR3_GM.sf2",
      "/usr/share/sounds/sf2/default-GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
    ].compactMap { $0 }.filter { !$0.isEmpty }
    return candidates.first { path in
      var info = stat()
      return stat(path, &info) == 0
    }
  }

  struct Event {
    var frame: Int
    var priority: Int
    var apply: (FluidSynth) -> Void
  }

  /// Interleaved stereo samples of `score`, or of only the tracks at `only`.
  public func render(_ score: Score, only: Set<Int>? = nil) throws -> [Float] {
    let synth = try FluidSynth(soundFont: soundFont, sampleRate: sampleRate, gain: 0.4)
    var events: [Event] = []
    func frame(_ beat: Double) -> Int { Int((score.seconds(atBeat: beat) * sampleRate).rounded()) }
    for (index, track) in score.tracks.enumerated() where only?.contains(index) ?? true {
      let ch = track.channel
      if track.bank != 0 {
        events.append(Event(frame: 0, priority: 1) { $0.controlChange(channel: ch, controller: 0, value: track.bank >> 7) })
        events.append(Event(frame: 0, priority: 1) { $0.controlChange(channel: ch, controller: 32, value: track.bank & 0x7F) })
      }
      if !track.isDrum {
        let program = track.program
        events.append(Event(frame: 0, priority: 1) { $0.programChange(channel: ch, program: program) })
      }
      if !track.bends.isEmpty {
        let range = track.pitchBendRange
        for (c, v) in [(101, 0), (100, 0), (6, range), (38, 0), (101, 127), (100, 127)] {
          events.append(Event(frame: 0, priority: 1) { $0.controlChange(channel: ch, controller: c, value: v) })
        }
      }
      for c in track.controls {
        events.append(Event(frame: frame(c.beat), priority: 2) { $0.controlChange(channel: ch, controller: c.controller, value: c.value) })
      }
      for b in track.bends {
        let value = min(16383, max(0, Int((8192 + b.semitones / Double(track.pitchBendRange) * 8192).rounded())))
        events.append(Event(frame: frame(b.beat), priority: 3) { $0.pitchBend(channel: ch, value: value) })
      }
      for w in track.writtenNotes() {
        let key = w.note.pitch, velocity = w.note.velocity
        let on = frame(Double(w.on) / 480), off = max(on + 1, frame(Double(w.off) / 480))
        events.append(Event(frame: on, priority: 4) { $0.noteOn(channel: ch, key: key, velocity: velocity) })
        events.append(Event(frame: off, priority: 0) { $0.noteOff(channel: ch, key: key) })
      }
    }
    let ordered = events.enumerated().sorted { ($0.element.frame, $0.element.priority, $0.offset) < ($1.element.frame, $1.element.priority, $1.offset) }.map(\.element)
    let lastEvent = ordered.last?.frame ?? 0
    var out = [Float]()
    out.reserveCapacity((lastEvent + Int(sampleRate) * 2) * 2)
    var position = 0
    for e in ordered {
      if e.frame > position {
        out.append(contentsOf: synth.render(frames: e.frame - position))
        position = e.frame
      }
      e.apply(synth)
    }
    // The tail: until a 4096-frame block is below −100 dBFS, at most 8 s.
    let block = 4096
    for _ in 0..<Int(8 * sampleRate) / block {
      let chunk = synth.render(frames: block)
      out.append(contentsOf: chunk)
      if (chunk.map { abs($0) }.max() ?? 0) < 1e-5 { break }
    }
    return out
  }
}

#if canImport(Glibc)
  import Glibc
#endif
