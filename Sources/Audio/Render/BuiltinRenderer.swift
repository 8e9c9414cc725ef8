public import Score
public import Synthesis

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Renders a score with Eigentone's own synthesizer (``Synthesis``): each track plays the
/// built-in patch its preset names (or one chosen from its General MIDI program), with
/// CC 7 volume and CC 11 expression (square law, as General MIDI), CC 10 equal-power pan,
/// CC 91 reverb send, pitch bend, and every event at its exact sample. The tracks share one
/// Freeverb. Runs on one core; stems render in parallel.
public struct BuiltinRenderer: ScoreRenderer {
  public var sampleRate: Double
  public var reverb: Freeverb.Settings

  /// - Parameter reverb: the room every part is sent to (each patch has its own send level).
  public init(sampleRate: Double = 44_100, reverb: Freeverb.Settings = .room) {
    self.sampleRate = sampleRate
    self.reverb = reverb
  }

  /// The patch a track plays: the one it names, or one for its General MIDI program when it
  /// names none (MIDI files read from disk).
  public static func patch(for track: Track) throws(RenderError) -> Patch {
    if track.patch.isEmpty { return Patch.generalMIDI(program: track.program, isDrum: track.isDrum) }
    guard let patch = Patch.named(track.patch) else { throw .unknownPatch(track.patch, part: track.name) }
    return patch
  }

  enum Action {
    case on(key: Int, velocity: Int)
    case off(key: Int)
    case control(Int, Int)
    case bend(Double)
  }

  struct Event {
    var frame: Int
    var priority: Int
    var track: Int
    var action: Action
  }

  /// Per-track mixer state.
  struct Strip {
    var instrument: Instrument
    var volume = 100.0, expression = 127.0, pan = 64.0, send = -1.0
    let patchSend: Double
    var gains: (left: Float, right: Float, reverb: Float) = (0, 0, 0)

    init(patch: Patch, sampleRate: Double) {
      instrument = Instrument(patch: patch, sampleRate: sampleRate)
      patchSend = patch.reverbSend
      update()
    }

    mutating func update() {
      let level = pow(volume / 127, 2) * pow(expression / 127, 2)
      let p = min(1, max(-1, (pan - 64) / 63))
      let theta = (p + 1) * Double.pi / 4
      let sendLevel = send < 0 ? patchSend : patchSend * send / 127 * 2
      gains = (Float(level * cos(theta)), Float(level * sin(theta)), Float(level * sendLevel))
    }
  }

  public func render(_ score: Score, only: Set<Int>? = nil) throws -> [Float] {
    var strips: [Strip] = []
    var events: [Event] = []
    func frame(_ beat: Double) -> Int { Int((score.seconds(atBeat: beat) * sampleRate).rounded()) }
    for (index, track) in score.tracks.enumerated() where only?.contains(index) ?? true {
      let t = strips.count
      strips.append(Strip(patch: try Self.patch(for: track), sampleRate: sampleRate))
      for c in track.controls { events.append(Event(frame: frame(c.beat), priority: 1, track: t, action: .control(c.controller, c.value))) }
      for b in track.bends { events.append(Event(frame: frame(b.beat), priority: 2, track: t, action: .bend(b.semitones))) }
      for w in track.writtenNotes() {
        let on = frame(Double(w.on) / 480), off = max(on + 1, frame(Double(w.off) / 480))
        events.append(Event(frame: on, priority: 3, track: t, action: .on(key: w.note.pitch, velocity: w.note.velocity)))
        events.append(Event(frame: off, priority: 0, track: t, action: .off(key: w.note.pitch)))
      }
    }
    // Stable order: by frame, then note-offs before controls before bends before note-ons.
    let ordered = events.enumerated().sorted {
      ($0.element.frame, $0.element.priority, $0.element.track, $0.offset) < ($1.element.frame, $1.element.priority, $1.element.track, $1.offset)
    }.map(\.element)
    let lastFrame = ordered.last?.frame ?? 0
    var room = Freeverb(reverb, sampleRate: sampleRate)
    var out = [Float]()
    out.reserveCapacity(2 * (lastFrame + Int(sampleRate) * 3))
    let block = 256
    var position = 0
    var mono = [Float](repeating: 0, count: block), left = mono, right = mono, send = mono
    var stereo = [Float](repeating: 0, count: 2 * block)

    /// Renders `count` ≤ block frames of every strip and the room; returns the block's peak.
    func renderBlock(_ count: Int) -> Float {
      for i in 0..<count {
        left[i] = 0
        right[i] = 0
        send[i] = 0
      }
      for s in strips.indices where !strips[s].instrument.isSilent {
        for i in 0..<count { mono[i] = 0 }
        mono.withUnsafeMutableBufferPointer { m in
          guard let base = m.baseAddress else { return }
          strips[s].instrument.render(into: base, count: count)
        }
        let g = strips[s].gains
        for i in 0..<count {
          let x = mono[i]
          left[i] += g.left * x
          right[i] += g.right * x
          send[i] += g.reverb * x
        }
      }
      send.withUnsafeBufferPointer { sendBuffer in
        left.withUnsafeMutableBufferPointer { l in
          right.withUnsafeMutableBufferPointer { r in
            guard let s = sendBuffer.baseAddress, let lp = l.baseAddress, let rp = r.baseAddress else { return }
            room.process(send: s, left: lp, right: rp, count: count)
          }
        }
      }
      var peak = Float(0)
      for i in 0..<count {
        stereo[2 * i] = left[i]
        stereo[2 * i + 1] = right[i]
        peak = max(peak, abs(left[i]), abs(right[i]))
      }
      out.append(contentsOf: stereo[0..<(2 * count)])
      return peak
    }

    for e in ordered {
      while position < e.frame {
        let n = min(block, e.frame - position)
        _ = renderBlock(n)
        position += n
      }
      switch e.action {
      case .on(let key, let velocity): strips[e.track].instrument.noteOn(key: key, velocity: velocity)
      case .off(let key): strips[e.track].instrument.noteOff(key: key)
      case .bend(let semitones): strips[e.track].instrument.pitchBend(semitones: semitones)
      case .control(let controller, let value):
        let v = Double(min(127, max(0, value)))
        switch controller {
        case ControlChange.volume: strips[e.track].volume = v
        case ControlChange.expression: strips[e.track].expression = v
        case ControlChange.pan: strips[e.track].pan = v
        case ControlChange.reverb: strips[e.track].send = v
        default: strips[e.track].instrument.controlChange(controller, value: value)
        }
        strips[e.track].update()
      }
    }
    // The tail: until every voice is done and a 4096-frame stretch is below −100 dBFS, at most 8 s.
    var quietFrames = 0
    var tail = 0
    while tail < Int(8 * sampleRate) {
      let peak = renderBlock(block)
      tail += block
      let silent = strips.allSatisfy { $0.instrument.isSilent }
      quietFrames = silent && peak < 1e-5 ? quietFrames + block : 0
      if quietFrames >= 4096 { break }
    }
    return out
  }
}
