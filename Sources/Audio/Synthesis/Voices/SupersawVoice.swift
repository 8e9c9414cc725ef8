/// The Roland JP-8000 "supersaw": seven band-limited saws detuned around the note (the
/// spread's measured shape, scaled by `detune`), the centre saw mixed against the six side
/// saws, and an ADSR (the part's 12 dB/oct low-pass follows in ``Instrument``). Start phases come from the note's seed, so a
/// chord does not begin with every saw in phase (and the same score gives the same phases).
struct SupersawVoice: Voice {
  struct Shape: Sendable, Hashable {
    /// Cents of the outermost saws from the centre.
    var detune: Double
    /// 0…1: level of the six side saws against the centre one.
    var mix: Double
    /// The part's 12 dB/oct low-pass cutoff, Hz.
    var cutoff: Double
    /// 7 for the supersaw; 3 (the centre and the outermost pair) for a lighter ensemble.
    var saws: Int = 7
    var envelope: Envelope.Shape
  }

  /// Relative detune of the seven saws (the JP-8000's measured spread, normalised to ±1).
  static let spread: [Double] = [-1, -0.5715, -0.1774, 0, 0.1810, 0.5650, 0.9766]

  let key: Int
  private(set) var isReleased = false
  /// The seven saws' phases (cycles) and increments in the lanes of one vector; lane 7 is
  /// silent.
  private var phases: SIMD8<Float>
  private let increments: SIMD8<Float>
  private let gains: SIMD8<Float>
  private var envelope: Envelope
  private let amp: Float

  init(key: Int, velocity: Int, seed: UInt32, shape: Shape, sampleRate fs: Double) {
    self.key = key
    let f0 = frequency(key: Double(key))
    var noise = Noise(seed: seed)
    var phases = SIMD8<Float>(repeating: 0), increments = SIMD8<Float>(repeating: 0), gains = SIMD8<Float>(repeating: 0)
    for (k, d) in Self.spread.enumerated() where shape.saws >= 7 || [0, 3, 6].contains(k) {
      phases[k] = noise.next() * 0.5 + 0.5
      increments[k] = Float(f0 * _exp2(d * shape.detune / 1200) / fs)
      gains[k] = Float(k == 3 ? 1 - 0.5 * shape.mix : shape.mix / Double(shape.saws >= 7 ? 3 : 1))
    }
    self.phases = phases
    self.increments = increments
    self.gains = gains
    envelope = Envelope(shape.envelope, sampleRate: fs)
    amp = amplitude(velocity: velocity) * 0.35
  }

  var isFinished: Bool { envelope.isSilent }

  mutating func release() {
    isReleased = true
    envelope.release()
  }

  /// PolyBLEP saws, one saw at a time over the block and eight samples per step: the naive
  /// ramp 2t − 1, minus the polynomial residual within one sample of each wrap. The part's
  /// low-pass is applied once to the sum of its voices (``Instrument``).
  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double) {
    let padded = (count + 7) & ~7
    let one = SIMD8<Float>(repeating: 1)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: padded) { mix in
      guard let m = mix.baseAddress else { return }
      mix.initialize(repeating: 0)
      for lane in 0..<7 where gains[lane] != 0 {
        let dt = increments[lane] * Float(pitchRatio), gain = gains[lane]
        let start = phases[lane]
        let ramp = FastMath.lanes * dt
        let inverse = 1 / dt
        // The phase vector steps eight samples at a time and wraps once (a saw below fs/8
        // never wraps twice in eight samples; above that, every step is re-folded).
        var t = FastMath.fraction(start + ramp)
        let step = SIMD8<Float>(repeating: 8 * dt)
        let foldEveryStep = 8 * dt >= 1
        for j in stride(from: 0, to: padded, by: 8) {
          var value = 2 * t - one
          // PolyBLEP: 2u − u² − 1 = −(u − 1)² just after the wrap, (u + 1)² just before it.
          let early = t * inverse - one
          let late = (t - one) * inverse + one
          value.replace(with: value + early * early, where: t .< dt)
          value.replace(with: value - late * late, where: t .> one - dt)
          let p = m + j
          UnsafeMutableRawPointer(p).storeBytes(of: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) + gain * value, as: SIMD8<Float>.self)
          t += step
          if foldEveryStep { t = FastMath.fraction(t) } else { t.replace(with: t - one, where: t .>= one) }
        }
        let end = start + Float(count) * dt
        phases[lane] = end - Float(Int32(end))
      }
      var envelope = self.envelope
      let amp = self.amp
      for j in stride(from: 0, to: count, by: 8) {
        let n = min(8, count - j)
        let levels = amp * envelope.next(n)
        if n == 8 {
          let o = UnsafeMutableRawPointer(out + j), v = UnsafeRawPointer(m + j)
          o.storeBytes(of: o.loadUnaligned(as: SIMD8<Float>.self) + levels * v.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
        } else {
          for i in 0..<n { out[j + i] += levels[i] * m[j + i] }
        }
      }
      self.envelope = envelope
    }
  }
}
