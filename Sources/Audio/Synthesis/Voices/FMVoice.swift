/// Frequency modulation (phase modulation, as the DX7 does it) with two to four sine
/// operators. Operator k may modulate an operator with a lower index (or be a carrier that
/// is heard); operators are evaluated from the last to the first, one block at a time.
struct FMVoice: Voice {
  struct Operator: Sendable, Hashable {
    /// Frequency as a multiple of the note's (1:1 gives all harmonics, 1:2 odd ones, 1:1.4 a bell).
    var ratio: Double
    /// Cents, to thicken a stack.
    var detune: Double = 0
    /// A carrier's output gain, or a modulator's peak index in radians.
    var level: Double
    var envelope: Envelope.Shape
    /// 0…1: the share of `level` that velocity controls (1 = all of it).
    var velocitySensitivity: Double = 0.5
    /// Self-modulation, radians (0.3–1.5: from warm to saw-like grit).
    var feedback: Double = 0
    /// The operator this one modulates, or nil for a carrier.
    var modulates: Int? = nil
  }

  struct Shape: Sendable, Hashable {
    var operators: [Operator]
    /// Vibrato rate, Hz, and depth, cents (0 = none); it fades in over `vibratoDelay` seconds.
    var vibratoRate: Double = 0
    var vibratoDepth: Double = 0
    var vibratoDelay: Double = 0.25
  }

  let key: Int
  private(set) var isReleased = false
  private var envelopes: [Envelope]
  private var phases: [Float]
  private let increments: [Double]
  private let levels: [Float]
  private let feedbacks: [Float]
  private let targets: [Int]  // −1 = carrier
  private var feedbackHistory: [Float]
  private let vibratoRate: Float, vibratoDepth: Float, vibratoDelay: Float
  private var age: Float = 0
  private let sampleRate: Float

  init(key: Int, velocity: Int, shape: Shape, sampleRate fs: Double) {
    self.key = key
    let f0 = frequency(key: Double(key))
    let amp = Double(amplitude(velocity: velocity))
    envelopes = shape.operators.map { Envelope($0.envelope, sampleRate: fs) }
    phases = shape.operators.map { _ in 0 }
    increments = shape.operators.map { op in f0 * op.ratio * _exp2(op.detune / 1200) / fs }
    levels = shape.operators.map { op in
      let scale = 1 - op.velocitySensitivity + op.velocitySensitivity * amp
      // Modulator levels are radians; the sine takes cycles.
      return Float(op.modulates == nil ? op.level * scale : op.level * scale / (2 * Double.pi))
    }
    feedbacks = shape.operators.map { Float($0.feedback / (2 * Double.pi)) }
    targets = shape.operators.map { $0.modulates ?? -1 }
    feedbackHistory = [Float](repeating: 0, count: 2 * shape.operators.count)
    vibratoRate = Float(shape.vibratoRate)
    vibratoDepth = Float(shape.vibratoDepth)
    vibratoDelay = Float(max(0.01, shape.vibratoDelay))
    sampleRate = Float(fs)
  }

  var isFinished: Bool {
    for (k, e) in envelopes.enumerated() where targets[k] < 0 && !e.isSilent { return false }
    return true
  }

  mutating func release() {
    isReleased = true
    for k in envelopes.indices { envelopes[k].release() }
  }

  /// Operators one at a time over the block, eight samples per step: each modulator's output
  /// lands in the input buffer of the operator it modulates. A feedback operator runs sample
  /// by sample (its recurrence cannot be split).
  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double) {
    let operators = envelopes.count
    var ratio = Float(pitchRatio)
    if vibratoDepth > 0 {
      let fade = min(1, age / vibratoDelay)
      ratio *= FastMath.exp2(fade * vibratoDepth / 1200 * FastMath.sine(cycles: age * vibratoRate))
    }
    age += Float(count) / sampleRate
    let padded = (count + 7) & ~7
    withUnsafeTemporaryAllocation(of: Float.self, capacity: (operators + 2) * padded) { scratch in
      guard let base = scratch.baseAddress else { return }
      scratch.initialize(repeating: 0)
      let envelopeBuffer = base + operators * padded, carriers = base + (operators + 1) * padded
      func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
      func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }
      for k in stride(from: operators - 1, through: 0, by: -1) {
        let increment = Float(increments[k]) * ratio
        let level = levels[k], feedback = feedbacks[k], target = targets[k]
        var envelope = envelopes[k]
        for j in stride(from: 0, to: padded, by: 8) { store(level * envelope.next(min(8, count - j)), envelopeBuffer + j) }
        envelopes[k] = envelope
        let input = base + k * padded
        let destination = target >= 0 ? base + target * padded : carriers
        var phase = phases[k]
        if feedback == 0 {
          let ramp = FastMath.lanes * increment
          for j in stride(from: 0, to: padded, by: 8) {
            let p = (phase + Float(j) * increment) + ramp + load(input + j)
            store(load(destination + j) + load(envelopeBuffer + j) * FastMath.sine(cycles: p), destination + j)
          }
          phase += Float(count) * increment
          phase -= Float(Int32(phase))
        } else {
          var y1 = feedbackHistory[2 * k], y2 = feedbackHistory[2 * k + 1]
          for i in 0..<count {
            let s = FastMath.sine(cycles: phase + input[i] + feedback * 0.5 * (y1 + y2))
            y2 = y1
            y1 = s
            destination[i] += envelopeBuffer[i] * s
            phase += increment
            if phase >= 1 { phase -= 1 }
          }
          feedbackHistory[2 * k] = y1
          feedbackHistory[2 * k + 1] = y2
        }
        phases[k] = phase
      }
      for i in 0..<count { out[i] += carriers[i] }
    }
  }
}
