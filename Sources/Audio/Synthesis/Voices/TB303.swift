#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A Roland TB-303 bass line voice, monophonic with last-note priority, after the hardware
/// (Robin Whittle's Devil Fish notes, Tim Stinchcombe's filter analysis) and Open303's
/// measured constants:
///
/// - a band-limited saw (or the transistor-shaped square) at 2× the output rate;
/// - a 44 Hz high-pass before the filter;
/// - the diode-ladder approximation (four one-pole stages with the first pole an octave above
///   the rest, ≈ 18 dB/oct near cutoff) with a soft non-linearity and a 150 Hz high-pass in
///   the feedback path, so high resonance thins the top, not the bass;
/// - an exponential filter envelope (MEG) swept in octaves, 300 ms normally, fixed at 200 ms
///   on accents;
/// - accents (velocity ≥ 100): louder, a shorter MEG, and an extra cutoff sweep charged into a
///   slowly discharging "capacitor", so consecutive accents climb higher;
/// - slides: a note that starts while another is held glides to its pitch in semitones (a
///   one-pole with τ = 17 ms, 95 % there after about 50 ms) without retriggering anything;
/// - CC 74 sets the cutoff knob (313.8 Hz … 2394.4 Hz, exponential), CC 71 the resonance.
public struct TB303: Sendable {
  /// The knobs of the front panel, 0…1 unless stated.
  public struct Knobs: Sendable, Hashable, Codable {
    /// Cutoff knob, Hz (313.8 … 2394.4 on the hardware).
    public var cutoff: Double
    public var resonance: Double
    public var envelopeModulation: Double
    /// Seconds, the MEG's time constant for normal notes (0.2 … 2).
    public var decay: Double
    public var accent: Double
    /// 0 = saw, 1 = square.
    public var waveform: Double

    public init(cutoff: Double = 800, resonance: Double = 0.7, envelopeModulation: Double = 0.6, decay: Double = 0.3, accent: Double = 0.8, waveform: Double = 0) {
      self.cutoff = cutoff
      self.resonance = resonance
      self.envelopeModulation = envelopeModulation
      self.decay = decay
      self.accent = accent
      self.waveform = waveform
    }
  }

  public static let cutoffRange = 313.8...2394.4
  /// Oversampling factor of the oscillator and filter.
  public static let oversampling = 2
  /// Seconds: the pitch glide's time constant (95 % of the way in 3τ ≈ 51 ms).
  public static let slideTime = 0.017

  public var knobs: Knobs
  public let sampleRate: Double

  // Performance state.
  private var held: [Int] = []
  /// The sounding pitch, MIDI semitones (slewed), and where it is going.
  public private(set) var pitch = 0.0
  private var targetPitch = 0.0
  private var gate = false
  private var accented = false
  private var idle = true
  /// Pitch bend as a frequency ratio.
  public var pitchRatio = 1.0

  // Envelopes.
  private var meg = 0.0
  private var sweep = 0.0
  private var ampEnvelope = 0.0
  private var ampAttack = false
  private var ampSmoothed = Float(0)
  /// The filter's instantaneous cutoff, Hz (for tests and meters).
  public private(set) var cutoffNow = 0.0

  // Audio state at the oversampled rate.
  private var saw = PolyBLEPSaw()
  private var preHighPass: OnePole
  private var feedbackHighPass: OnePole
  private var y1 = Float(0), y2 = Float(0), y3 = Float(0), y4 = Float(0)
  private var b0 = Float(0), feedback = Float(0), outputGain = Float(1)
  private var decimator1: Biquad, decimator2: Biquad
  private var postHighPass: OnePole
  private var controlCountdown = 0
  private var increment = 0.0
  private let declick: Float

  public init(knobs: Knobs = Knobs(), sampleRate: Double) {
    self.knobs = knobs
    self.sampleRate = sampleRate
    let fs4 = sampleRate * Double(Self.oversampling)
    preHighPass = OnePole(cutoff: 44.486, sampleRate: fs4)
    feedbackHighPass = OnePole(cutoff: 150, sampleRate: fs4)
    // Anti-alias before decimation: 4th-order Butterworth low-pass at 0.4 × the output rate.
    decimator1 = Biquad(.lowPass, frequency: 0.4 * sampleRate, q: 0.5412, sampleRate: fs4)
    decimator2 = Biquad(.lowPass, frequency: 0.4 * sampleRate, q: 1.3066, sampleRate: fs4)
    postHighPass = OnePole(cutoff: 24.167, sampleRate: sampleRate)
    declick = Float(1 - exp(-2 * Double.pi * 200 / sampleRate))
  }

  // MARK: - Events

  public mutating func noteOn(key: Int, velocity: Int) {
    guard velocity > 0 else { return noteOff(key: key) }
    accented = velocity >= 100
    targetPitch = Double(key)
    if !held.isEmpty && gate {
      // Slide: the pitch glides, nothing retriggers.
    } else {
      if idle {
        saw = PolyBLEPSaw()
        y1 = 0
        y2 = 0
        y3 = 0
        y4 = 0
        pitch = targetPitch
      } else {
        pitch = targetPitch
      }
      meg = 1
      ampAttack = true
      gate = true
      idle = false
    }
    held.removeAll { $0 == key }
    held.append(key)
  }

  public mutating func noteOff(key: Int) {
    held.removeAll { $0 == key }
    if let last = held.last {
      targetPitch = Double(last)  // slide back to the key still held
    } else {
      gate = false
    }
  }

  public mutating func controlChange(_ controller: Int, value: Int) {
    let v = Double(min(127, max(0, value))) / 127
    switch controller {
    case 74: knobs.cutoff = Self.cutoffRange.lowerBound * pow(Self.cutoffRange.upperBound / Self.cutoffRange.lowerBound, v)
    case 71: knobs.resonance = v
    case 123, 120:
      held = []
      gate = false
    default: break
    }
  }

  public var isSilent: Bool { idle }

  // MARK: - Control rate

  /// The control-rate constants: decay factors per 4-sample step and the knob mappings,
  /// recomputed only when a knob changes (each is a transcendental call).
  private struct Constants {
    var knobs: Knobs
    var slide = 0.0, megNormal = 0.0, megAccent = 0.0, sweepCharge = 0.0, sweepDischarge = 0.0
    var ampDecay = 0.0, ampReleaseNormal = 0.0, ampReleaseAccent = 0.0, attackStep = 0.0
    var scaler = 0.0, offset = 0.0, resonance = 0.0

    init(knobs: Knobs, step dt: Double) {
      self.knobs = knobs
      slide = 1 - exp(-dt / TB303.slideTime)
      megNormal = exp(-dt / max(0.05, knobs.decay))
      megAccent = exp(-dt / 0.2)
      sweepCharge = 1 - exp(-dt / 0.03)
      sweepDischarge = exp(-dt / 0.25)
      ampDecay = exp(-dt / 1.23)
      ampReleaseNormal = exp(-dt / 0.003)
      ampReleaseAccent = exp(-dt / 0.012)
      attackStep = dt / 0.003
      let c = log(knobs.cutoff / TB303.cutoffRange.lowerBound) / log(TB303.cutoffRange.upperBound / TB303.cutoffRange.lowerBound)
      let e = knobs.envelopeModulation
      scaler = (1 - c) * (3.774 * e + 0.737) + c * (4.195 * e + 0.864)
      offset = 0.0483 * c + 0.2944
      resonance = (1 - exp(-3 * min(1, max(0, knobs.resonance)))) / (1 - exp(-3.0))
    }
  }
  private var constants: Constants?

  /// Every 4 output samples: glide, envelopes, cutoff and the filter coefficients.
  private mutating func updateControls(samples: Int) {
    if constants?.knobs != knobs { constants = Constants(knobs: knobs, step: Double(samples) / sampleRate) }
    guard let k = constants else { return }
    pitch += (targetPitch - pitch) * k.slide
    // MEG: exponential decay; accents use a fixed 200 ms.
    meg *= accented ? k.megAccent : k.megNormal
    if meg < 1e-9 { meg = 0 }
    // Accent sweep: charged (τ 30 ms) towards the MEG while an accent sounds, discharging
    // slowly (τ 250 ms), so closely repeated accents start from a higher charge.
    let charge = accented && gate ? meg : 0
    if charge > sweep {
      sweep += (charge - sweep) * k.sweepCharge
    } else {
      sweep *= k.sweepDischarge
      if sweep < 1e-9 { sweep = 0 }
    }
    // Amplitude: 3 ms attack, the VEG's slow decay, a fast release at gate-off.
    if gate {
      if ampAttack {
        ampEnvelope += k.attackStep
        if ampEnvelope >= 1 {
          ampEnvelope = 1
          ampAttack = false
        }
      } else {
        ampEnvelope *= k.ampDecay
      }
    } else {
      ampEnvelope *= accented ? k.ampReleaseAccent : k.ampReleaseNormal
      if ampEnvelope < 1e-5 && sweep < 1e-3 {
        ampEnvelope = 0
        idle = true
      }
    }
    // Cutoff: the knob, swept by the MEG in octaves (Open303's measured env-mod mapping),
    // plus the accent sweep.
    let octaves = k.scaler * (meg - k.offset) + 2.5 * knobs.accent * sweep
    let fs4 = sampleRate * Double(Self.oversampling)
    increment = frequency(key: pitch) * pitchRatio / fs4
    cutoffNow = min(0.2 * fs4, max(200, knobs.cutoff * exp2(octaves)))
    // Filter coefficients (the mystran/kunn fit used by Open303's TeeBee filter).
    let fx = cutoffNow / (fs4 * 2.0.squareRoot())
    b0 = Float((0.000_455_223_46 + 6.192_218_9 * fx) / (1 + 12.358_354 * fx + 4.415_634_5 * fx * fx))
    let loop = 16.998_792 + fx * (213.871_26 + fx * (614.956_11 + fx * (-476.473_08 + fx * (-5837.791_7 + fx * (7198.699_7 + fx)))))
    let r = k.resonance
    feedback = Float(loop * r)
    outputGain = Float(2 * ((loop / 17 - 1) * r + 1) * (1 + r))
  }

  // MARK: - Audio

  /// Adds `count` mono samples to `out`.
  public mutating func render(into out: UnsafeMutablePointer<Float>, count: Int) {
    guard !idle else { return }
    let blend = Float(min(1, max(0, knobs.waveform)))
    let accentBoost = 1.5 * knobs.accent
    var done = 0
    while done < count {
      if controlCountdown == 0 {
        updateControls(samples: 4)
        controlCountdown = 4
      }
      // Audio state in locals for the run until the next control update (so the optimiser
      // keeps it in registers instead of re-reading it through `self` after every store).
      let run = min(controlCountdown, count - done)
      controlCountdown -= run
      let increment = self.increment, b0 = self.b0, feedback = self.feedback, gain = self.outputGain
      var saw = self.saw, pre = preHighPass, loopHP = feedbackHighPass, post = postHighPass
      var d1 = decimator1, d2 = decimator2
      var y1 = self.y1, y2 = self.y2, y3 = self.y3, y4 = self.y4
      let accent = accented ? accentBoost * meg : 0
      let level = Float(ampEnvelope * (0.6 + 0.4 * meg) * (1 + accent))
      var smoothed = ampSmoothed
      for i in done..<(done + run) {
        var decimated = Float(0)
        for _ in 0..<Self.oversampling {
          let ramp = saw.next(increment: increment)
          let source = blend == 0 ? ramp : (1 - blend) * ramp - blend * 0.5 * FastMath.softClip(69.98 * ramp + 4.37)
          let x = -pre.highPass(source)
          let w = min(1.414_213_6, max(-1.414_213_6, y4))
          let y0 = x - loopHP.highPass(feedback * (w - w * w * w / 6))
          y1 += 2 * b0 * (y0 - y1 + y2)
          y2 += b0 * (y1 - 2 * y2 + y3)
          y3 += b0 * (y2 - 2 * y3 + y4)
          y4 += b0 * (y3 - 2 * y4)
          decimated = d2.process(d1.process(gain * y4))
        }
        smoothed += declick * (level - smoothed)  // 200 Hz declicker on the VCA
        out[i] += 0.3 * post.highPass(decimated) * smoothed
      }
      ampSmoothed = smoothed
      self.saw = saw
      preHighPass = pre
      feedbackHighPass = loopHP
      postHighPass = post
      decimator1 = d1
      decimator2 = d2
      self.y1 = y1
      self.y2 = y2
      self.y3 = y3
      self.y4 = y4
      done += run
    }
  }
}
