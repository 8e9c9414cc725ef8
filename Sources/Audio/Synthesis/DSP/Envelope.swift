/// An ADSR amplitude envelope: linear attack (no click), exponential decay and release that
/// reach −60 dB in the given times (one-pole, τ = T/6.908), output in 0…1.
public struct Envelope: Sendable, Hashable {
  /// Times in seconds; `sustain` is a level, 0…1.
  public struct Shape: Sendable, Hashable, Codable {
    public var attack: Double
    public var decay: Double
    public var sustain: Double
    public var release: Double

    public init(attack: Double, decay: Double, sustain: Double, release: Double) {
      self.attack = attack
      self.decay = decay
      self.sustain = sustain
      self.release = release
    }
  }

  public enum Stage: Sendable, Hashable { case attack, decay, release, done }

  public private(set) var value: Float = 0
  public private(set) var stage: Stage = .attack
  private let attackStep: Float
  private let decayCoefficient: Float
  private let releaseCoefficient: Float
  private let sustain: Float
  private let decay8: Float, release8: Float

  public init(_ shape: Shape, sampleRate: Double) {
    attackStep = Float(1 / max(1, shape.attack * sampleRate))
    decayCoefficient = Float(Self.coefficient(seconds: shape.decay, sampleRate: sampleRate))
    releaseCoefficient = Float(Self.coefficient(seconds: shape.release, sampleRate: sampleRate))
    sustain = Float(min(1, max(0, shape.sustain)))
    decay8 = pow(decayCoefficient, 8)
    release8 = pow(releaseCoefficient, 8)
  }

  /// The per-sample factor of a one-pole decay that falls by 60 dB in `seconds`.
  public static func coefficient(seconds: Double, sampleRate: Double) -> Double {
    exp(-6.907_755 / max(1, seconds * sampleRate))
  }

  public mutating func release() {
    if stage != .done { stage = .release }
  }

  /// Advances one sample and returns the level.
  @inline(__always)
  public mutating func next() -> Float {
    switch stage {
    case .attack:
      value += attackStep
      if value >= 1 {
        value = 1
        stage = .decay
      }
    case .decay:
      // Snap once within 1e-6 of the sustain level: the remaining distance would otherwise
      // shrink into subnormal floats, which x86 multiplies about a hundred times slower.
      let distance = value - sustain
      value = abs(distance) < 1e-6 ? sustain : sustain + distance * decayCoefficient
    case .release:
      value *= releaseCoefficient
      if value < 1e-5 {
        value = 0
        stage = .done
      }
    case .done:
      break
    }
    return value
  }

  /// The levels of the next `n` ≤ 8 samples (lanes past `n` repeat the last), stepping the
  /// envelope once per call and interpolating linearly in between: within 8 samples (0.18 ms
  /// at 44.1 kHz) a decay of at least a few milliseconds is a straight line to 1e-4.
  @inline(__always)
  public mutating func next(_ n: Int) -> SIMD8<Float> {
    let start = value
    advance(n)
    let fraction = (FastMath.lanes + 1) * (1 / Float(n))
    let ramp = start + (value - start) * fraction
    return n == 8 ? ramp : ramp.replacing(with: value, where: FastMath.lanes .>= Float(n))
  }

  /// Steps `n` samples at once.
  @inline(__always)
  mutating func advance(_ n: Int) {
    switch stage {
    case .attack:
      value += Float(n) * attackStep
      if value >= 1 {
        value = 1
        stage = .decay
      }
    case .decay:
      let distance = value - sustain
      value = abs(distance) < 1e-6 ? sustain : sustain + distance * (n == 8 ? decay8 : pow(decayCoefficient, Float(n)))
    case .release:
      value *= n == 8 ? release8 : pow(releaseCoefficient, Float(n))
      if value < 1e-5 {
        value = 0
        stage = .done
      }
    case .done:
      break
    }
  }

  /// Held and silent: a decay to a sustain of 0 that has died away.
  public var isSilent: Bool { stage == .done || (stage == .decay && value < 1e-5 && sustain == 0) }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
