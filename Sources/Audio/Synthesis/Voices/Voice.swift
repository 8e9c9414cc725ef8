/// One sounding note of a polyphonic instrument.
protocol Voice {
  /// The MIDI key it plays.
  var key: Int { get }
  var isReleased: Bool { get }
  /// Silent for good: the pool drops it.
  var isFinished: Bool { get }
  mutating func release()
  /// Adds `count` mono samples to `out`; `pitchRatio` is the channel's pitch bend as a
  /// frequency ratio (1 = none).
  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double)
}

/// The voices of one polyphonic instrument: note-on starts a voice (stealing the oldest when
/// all `maxVoices` sound), note-off releases the oldest held voice of that key, the sustain
/// pedal (CC 64) defers note-offs.
struct VoicePool<V: Voice> {
  private(set) var voices: [V] = []
  let maxVoices: Int
  let make: (_ key: Int, _ velocity: Int, _ seed: UInt32) -> V
  private var notes: UInt32 = 0
  private var sustained: [Int] = []
  var sustain = false {
    didSet {
      if !sustain {
        for key in sustained { releaseOne(key) }
        sustained = []
      }
    }
  }

  init(maxVoices: Int, make: @escaping (_ key: Int, _ velocity: Int, _ seed: UInt32) -> V) {
    self.maxVoices = maxVoices
    self.make = make
  }

  mutating func noteOn(key: Int, velocity: Int) {
    notes &+= 1
    if voices.count >= maxVoices {
      // Steal a released voice first, else the oldest.
      let victim = voices.firstIndex { $0.isReleased } ?? 0
      voices.remove(at: victim)
    }
    voices.append(make(key, velocity, notes &* 2_654_435_761 ^ UInt32(key)))
  }

  mutating func noteOff(key: Int) {
    if sustain { sustained.append(key) } else { releaseOne(key) }
  }

  private mutating func releaseOne(_ key: Int) {
    if let i = voices.firstIndex(where: { $0.key == key && !$0.isReleased }) { voices[i].release() }
  }

  mutating func mutateVoices(_ body: (inout V) -> Void) {
    for i in voices.indices { body(&voices[i]) }
  }

  mutating func releaseAll() {
    for i in voices.indices { voices[i].release() }
  }

  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double) {
    for i in voices.indices { voices[i].render(into: out, count: count, pitchRatio: pitchRatio) }
    voices.removeAll { $0.isFinished }
  }

  var isSilent: Bool { voices.isEmpty }
}

/// MIDI velocity 1…127 to a linear amplitude: (v/127)^1.5, i.e. about −17 dB at velocity 35,
/// between the soundfont convention (square law, −22 dB) and a linear map (−11 dB).
@inline(__always)
func amplitude(velocity: Int) -> Float {
  let v = Float(min(127, max(0, velocity))) / 127
  return v * v.squareRoot()
}

/// Equal-tempered frequency of a MIDI key, A4 (69) = 440 Hz.
@inline(__always)
public func frequency(key: Double) -> Double {
  440 * _exp2((key - 69) / 12)
}
