#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One hit of an 808/909-style drum machine, chosen by General MIDI drum key:
///
/// - kick (35, 36): a sine whose frequency falls exponentially from `start` to `end` (phase
///   accumulated, never sin(2πf(t)t)), with a high-passed noise click, softly saturated;
/// - snare (38, 40) and rim (37): two sines (≈180 and 330 Hz) plus high-passed noise;
/// - clap (39): four noise bursts 10 ms apart and a tail, band-passed at 1.2 kHz;
/// - hats (42, 44 closed; 46 open, choked by a closed one), ride (51, 59), crash (49, 57): the
///   808's six square oscillators (205.3 … 800 Hz) band-passed at 7.1 kHz and high-passed,
///   mixed with noise;
/// - toms (41, 43, 45, 47, 48, 50): pitched sines with a short downward sweep;
/// - any other key: a short filtered-noise tick, so no written note is lost.
/// Velocity scales level and brightness (click and noise share).
struct DrumVoice: Voice {
  enum Kind: Sendable, Hashable { case kick, snare, rim, clap, closedHat, openHat, ride, crash, tom, tick }

  /// 808 or 909 flavour.
  enum Machine: Sendable, Hashable { case tr808, tr909 }

  static func kind(key: Int) -> Kind {
    switch key {
    case 35, 36: .kick
    case 38, 40: .snare
    case 37: .rim
    case 39: .clap
    case 42, 44: .closedHat
    case 46: .openHat
    case 51, 53, 59: .ride
    case 49, 52, 55, 57: .crash
    case 41, 43, 45, 47, 48, 50: .tom
    default: .tick
    }
  }

  static let metallic: [Float] = [205.3, 304.4, 369.6, 522.7, 540, 800]

  let key: Int
  let kind: Kind
  private(set) var isReleased = false
  private let fs: Float
  private var t = 0  // samples since the hit
  private var noise: Noise
  private let amp: Float, bright: Float
  // Tone.
  private var phase1 = Float(0), phase2 = Float(0)
  private let endFrequency: Float, sweepTau: Float
  private var sweepFrequency: Float
  private let toneDecay: Float, noiseDecay: Float
  private var toneLevel = Float(1), noiseLevel = Float(1)
  private let tone2: Float
  // Filters.
  private var band: Biquad, high: Biquad
  private var metalPhases = SIMD8<Float>(repeating: 0)
  private let metalIncrements: SIMD8<Float>
  private let length: Int
  private var chokeLevel = Float(1)
  private var choked = false

  init(key: Int, velocity: Int, seed: UInt32, machine: Machine, sampleRate: Double) {
    self.key = key
    kind = Self.kind(key: key)
    fs = Float(sampleRate)
    noise = Noise(seed: seed)
    let a = amplitude(velocity: velocity)
    amp = a
    bright = 0.5 + 0.5 * a
    func decay(_ seconds: Double) -> Float { Float(Envelope.coefficient(seconds: seconds, sampleRate: sampleRate)) }
    var increments = SIMD8<Float>(repeating: 0)
    for (k, f) in Self.metallic.enumerated() { increments[k] = f / Float(sampleRate) }
    metalIncrements = increments
    var start: Float = 0, end: Float = 0, sweep: Float = 0.01, tone = 0.1, noiseT = 0.1, second: Float = 0, seconds = 0.5
    band = Biquad(.bandPass, frequency: 7100, q: 1.2, sampleRate: sampleRate)
    high = Biquad(.highPass, frequency: 7000, q: 0.7071, sampleRate: sampleRate)
    switch kind {
    case .kick:
      (start, end) = machine == .tr808 ? (130, 50) : (230, 54)
      sweep = machine == .tr808 ? 0.012 : 0.03
      tone = machine == .tr808 ? 1.4 : 0.6  // to −60 dB
      noiseT = 0.006
      high = Biquad(.highPass, frequency: 3000, q: 0.7071, sampleRate: sampleRate)
      seconds = tone
    case .snare, .rim:
      (start, end) = kind == .rim ? (1700, 1700) : (machine == .tr808 ? 180 : 215, machine == .tr808 ? 180 : 190)
      second = kind == .rim ? 0 : 330
      sweep = 0.02
      tone = kind == .rim ? 0.03 : 0.25
      noiseT = kind == .rim ? 0.02 : 0.45
      high = Biquad(.highPass, frequency: 1500, q: 0.7071, sampleRate: sampleRate)
      seconds = max(tone, noiseT)
    case .clap:
      noiseT = 0.5
      band = Biquad(.bandPass, frequency: 1200, q: 2, sampleRate: sampleRate)
      seconds = noiseT
    case .closedHat:
      noiseT = 0.12
      seconds = noiseT
    case .openHat:
      noiseT = 0.9
      seconds = noiseT
    case .ride:
      noiseT = 2.2
      band = Biquad(.bandPass, frequency: 5200, q: 1.0, sampleRate: sampleRate)
      high = Biquad(.highPass, frequency: 3500, q: 0.7071, sampleRate: sampleRate)
      seconds = noiseT
    case .crash:
      noiseT = 2.5
      high = Biquad(.highPass, frequency: 4500, q: 0.7071, sampleRate: sampleRate)
      seconds = noiseT
    case .tom:
      let base = Float(80 + (key - 41) * 18)
      (start, end) = (base * 1.6, base)
      sweep = 0.05
      tone = 0.6
      noiseT = 0.02
      high = Biquad(.highPass, frequency: 2000, q: 0.7071, sampleRate: sampleRate)
      seconds = tone
    case .tick:
      noiseT = 0.05
      band = Biquad(.bandPass, frequency: 3000, q: 1.5, sampleRate: sampleRate)
      seconds = noiseT
    }
    endFrequency = end
    sweepFrequency = start
    sweepTau = Float(sweep)
    toneDecay = decay(tone)
    noiseDecay = decay(noiseT)
    tone2 = second
    length = Int(Double(seconds) * sampleRate)
  }

  var isFinished: Bool { t >= length || (choked && chokeLevel < 1e-4) }

  /// Drums are one-shots: note-off does nothing.
  mutating func release() { isReleased = true }

  /// An open hat is cut short (5 ms) by a closed hat.
  mutating func choke() { choked = true }

  mutating func render(into out: UnsafeMutablePointer<Float>, count: Int, pitchRatio: Double) {
    // Work on a local copy: `out` cannot alias it, so its fields stay in registers.
    var voice = self
    voice.renderLocal(into: out, count: count)
    self = voice
  }

  @inline(__always)
  private mutating func renderLocal(into out: UnsafeMutablePointer<Float>, count: Int) {
    let chokeCoefficient: Float = choked ? exp(-1 / (0.005 * fs)) : 1
    // The pitch sweep: f(t) = end + (start − end)·e^(−t/τ).
    let sweepStep = exp(-1 / (sweepTau * fs))
    // One loop per kind, so the sample loop holds no dispatch.
    @inline(__always) func emit(_ i: Int, _ s: Float) {
      chokeLevel *= chokeCoefficient
      out[i] += 0.7 * amp * chokeLevel * s  // 0.7: a full-velocity kick peaks below full scale
    }
    let clickSamples = Int(0.004 * fs)
    switch kind {
    case .kick, .tom:
      for i in 0..<count {
        sweepFrequency = endFrequency + (sweepFrequency - endFrequency) * sweepStep
        phase1 += sweepFrequency / fs
        if phase1 >= 1 { phase1 -= 1 }
        let body = toneLevel * FastMath.sine(cycles: phase1)
        let click = t + i < clickSamples ? high.process(noise.next()) * noiseLevel * 0.25 * bright : 0
        emit(i, FastMath.softClip(1.5 * (body + click)) * 0.8)
        toneLevel *= toneDecay
        noiseLevel *= noiseDecay
      }
    case .snare, .rim:
      for i in 0..<count {
        sweepFrequency = endFrequency + (sweepFrequency - endFrequency) * sweepStep
        phase1 += sweepFrequency / fs
        if phase1 >= 1 { phase1 -= 1 }
        phase2 += tone2 / fs
        if phase2 >= 1 { phase2 -= 1 }
        let body = toneLevel * (FastMath.sine(cycles: phase1) + (tone2 > 0 ? 0.6 * FastMath.sine(cycles: phase2) : 0))
        let rattle = noiseLevel * high.process(noise.next()) * bright
        emit(i, 0.5 * body + 0.6 * rattle)
        toneLevel *= toneDecay
        noiseLevel *= noiseDecay
      }
    case .clap:
      for i in 0..<count {
        // Bursts at 0, 10, 20, 30 ms (each ≈ 8 ms), then the tail.
        let ms = Float(t + i) / fs * 1000
        let burst: Float = ms < 40 ? exp(-(ms.truncatingRemainder(dividingBy: 10)) / 2.5) : 0
        let level = max(burst, ms >= 30 ? noiseLevel : 0)
        emit(i, 1.6 * band.process(noise.next()) * level)
        noiseLevel *= noiseDecay
      }
    case .closedHat, .openHat, .ride, .crash:
      let noiseShare: Float = kind == .crash ? 0.7 : (kind == .ride ? 0.2 : 0.4)
      for i in 0..<count {
        metalPhases += metalIncrements
        metalPhases.replace(with: metalPhases - 1, where: metalPhases .>= 1)
        // Six squares (lanes 6 and 7 stay at phase 0 and cancel).
        let squares = SIMD8<Float>(repeating: 1).replacing(with: -1, where: metalPhases .>= 0.5)
        let metal = squares.sum() - 2
        let source = (1 - noiseShare) * metal / 6 + noiseShare * noise.next()
        emit(i, 0.9 * high.process(band.process(source)) * noiseLevel * bright)
        noiseLevel *= noiseDecay
      }
    case .tick:
      for i in 0..<count {
        emit(i, 0.5 * band.process(noise.next()) * noiseLevel)
        noiseLevel *= noiseDecay
      }
    }
    t += count
    // Decays stop at −140 dB instead of sinking into slow subnormal floats.
    if toneLevel < 1e-7 { toneLevel = 0 }
    if noiseLevel < 1e-7 { noiseLevel = 0 }
  }
}
