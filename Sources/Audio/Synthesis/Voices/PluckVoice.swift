#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Karplus–Strong plucked string, extended as Jaffe and Smith (1983) describe: a delay line
/// whose loop holds a two-point averager (exactly half a sample of delay at every frequency)
/// and a first-order allpass for the fractional rest of the period, so the fundamental is
/// tuned exactly (the allpass coefficient is solved for the period's phase delay at f0, not
/// the low-frequency approximation); the loop gain ρ = G/|cos(πf0/fs)| with G = 10^(−3/(f0·T60))
/// makes the fundamental decay at 60 dB per `sustain` seconds at every pitch. The noise burst is
/// low-passed by velocity (softer = darker), combed at the pick position, peaking at
/// 0.6 × the velocity's amplitude.
struct PluckVoice: Voice {
  /// The string's character.
  struct Shape: Sendable, Hashable {
    /// Seconds for the fundamental to fall 60 dB while held.
    var sustain: Double
    /// Seconds to fall 60 dB after note-off (the player damps the string).
    var release: Double
    /// Pick position as a fraction of the string, 0.05…0.5 (0.5 = centre, hollow).
    var pickPosition: Double
    /// 0…1: brightness of the excitation at full velocity.
    var brightness: Double
  }

  let key: Int
  private(set) var isReleased = false
  private var line: [Float]
  private var index = 0
  private let length: Int
  private let allpassC: Float
  private var apX = Float(0), apY = Float(0), previous = Float(0)
  private var rho: Float
  private let releaseRho: Float
  private var samplesLeft: Int
  private let releaseSamples: Int

  /// The integer delay and allpass coefficient that tune a loop with a half-sample averager
  /// to `f0` exactly: N + 0.5 + d = fs/f0, with d in [0.1, 1.1) and C solved so that the
  /// allpass's phase delay at ω0 is d.
  static func tuning(frequency f0: Double, sampleRate fs: Double) -> (length: Int, coefficient: Double) {
    let period = fs / f0
    let n = Int((period - 0.5 - 0.1).rounded(.down))
    let d = period - 0.5 - Double(n)
    let w = 2 * Double.pi * f0 / fs
    let c = sin(w * (1 - d) / 2) / sin(w * (1 + d) / 2)
    return (max(2, n), c)
  }

  /// The loop gain that makes the fundamental fall 60 dB in `seconds`.
  static func loopGain(frequency f0: Double, sampleRate fs: Double, seconds: Double) -> Double {
    let perPeriod = pow(10, -3 / (f0 * seconds))
    return min(0.99999, perPeriod / abs(cos(Double.pi * f0 / fs)))
  }

  init(key: Int, velocity: Int, seed: UInt32, shape: Shape, sampleRate fs: Double) {
    self.key = key
    let f0 = min(fs / 5, frequency(key: Double(key)))
    let (n, c) = Self.tuning(frequency: f0, sampleRate: fs)
    length = n
    allpassC = Float(c)
    rho = Float(Self.loopGain(frequency: f0, sampleRate: fs, seconds: shape.sustain))
    releaseRho = Float(Self.loopGain(frequency: f0, sampleRate: fs, seconds: shape.release))
    samplesLeft = Int(shape.sustain * 1.2 * fs)
    releaseSamples = Int(shape.release * 1.2 * fs)
    // Excitation: noise, one-pole low-passed (darker when soft), combed at the pick position,
    // mean removed (no DC circulates), scaled to the velocity's amplitude.
    var noise = Noise(seed: seed)
    let amp = amplitude(velocity: velocity)
    let pole = Float(0.85 - 0.6 * shape.brightness * Double(amp))
    var burst = [Float](repeating: 0, count: n)
    var lp = Float(0)
    for i in 0..<n {
      lp = (1 - pole) * noise.next() + pole * lp
      burst[i] = lp
    }
    let pick = max(1, Int((shape.pickPosition * Double(n)).rounded()))
    var line = [Float](repeating: 0, count: n)
    for i in 0..<n { line[i] = burst[i] - (i >= pick ? burst[i - pick] : 0) }
    let mean = line.reduce(0, +) / Float(n)
    let peak = line.map { abs($0 - mean) }.max() ?? 1
    // 0.6 of full scale at the loudest: the loop's comb can add a little on top.
    let scale = peak > 0 ? 0.6 * amp / peak : 0
    for i in 0..<n { line[i] = (line[i] - mean) * scale }
    self.line = line
  }

  var isFinished: Bool { samplesLeft <= 0 }

  mutating func release() {
    guard !isReleased else { return }
    isReleased = true
    rho = releaseRho
    samplesLeft = min(samplesLeft, releaseSamples)
  }

  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double) {
    let c = allpassC, rho = self.rho, n = length
    var index = self.index, apX = self.apX, apY = self.apY, previous = self.previous
    line.withUnsafeMutableBufferPointer { buffer in
      for i in 0..<count {
        let v = buffer[index]
        let averaged = rho * 0.5 * (v + previous)
        previous = v
        let y = c * averaged + apX - c * apY
        apX = averaged
        apY = y
        buffer[index] = y
        index += 1
        if index == n { index = 0 }
        out[i] += v
      }
    }
    self.index = index
    self.apX = apX
    self.apY = apY
    self.previous = previous
    samplesLeft -= count
  }
}
