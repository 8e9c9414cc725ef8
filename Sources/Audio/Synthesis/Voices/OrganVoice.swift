/// A drawbar organ: sine partials at the drawbar footages (16′, 8′, 5⅓′, 4′, 2⅔′, 2′, 1⅗′,
/// 1⅓′, 1′ = ratios 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8 of the note), an organ's near-instant
/// attack and release, and a slow shared tremolo standing in for the rotating speaker.
struct OrganVoice: Voice {
  static let ratios: [Float] = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 8]

  struct Shape: Sendable, Hashable {
    /// Nine drawbar settings, 0…8 as on the instrument.
    var drawbars: [Int]
    var envelope: Envelope.Shape
  }

  let key: Int
  private(set) var isReleased = false
  private var phase: Float = 0
  private let increment: Float
  private let partials: [(ratio: Float, gain: Float)]
  private var envelope: Envelope
  private var tremolo: Float = 0
  private let tremoloIncrement: Float
  private let amp: Float

  init(key: Int, velocity: Int, shape: Shape, sampleRate fs: Double) {
    self.key = key
    let f0 = frequency(key: Double(key))
    increment = Float(f0 / fs)
    // Drawbar steps are 3 dB; partials above 0.45·fs are left out (they would alias).
    partials = zip(Self.ratios, shape.drawbars).compactMap { ratio, bar in
      bar > 0 && Double(ratio) * f0 < 0.45 * fs ? (ratio, Float(_exp2(Double(bar - 8) / 2))) : nil
    }
    envelope = Envelope(shape.envelope, sampleRate: fs)
    tremoloIncrement = Float(6.2 / fs)
    // An organ does not respond to velocity; a little of it is kept so dynamics still read.
    amp = 0.18 * (0.6 + 0.4 * amplitude(velocity: velocity))
  }

  var isFinished: Bool { envelope.isSilent }

  mutating func release() {
    isReleased = true
    envelope.release()
  }

  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double) {
    let step = increment * Float(pitchRatio)
    for i in 0..<count {
      var s = Float(0)
      for p in partials {
        s += p.gain * FastMath.sine(cycles: phase * p.ratio)
      }
      let wobble = 1 + 0.08 * FastMath.sine(cycles: tremolo)
      out[i] += amp * wobble * envelope.next() * s
      // The phase wraps at 2 cycles so the half-ratio partial stays continuous.
      phase += step
      if phase >= 2 { phase -= 2 }
      tremolo += tremoloIncrement
      if tremolo >= 1 { tremolo -= 1 }
    }
  }
}
