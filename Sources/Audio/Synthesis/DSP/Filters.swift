#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A one-pole low-pass / high-pass pair sharing one state: `lowPass` returns the smoothed
/// signal, `highPass` the input minus it. Cutoff in Hz.
public struct OnePole: Sendable, Hashable {
  private var a: Float
  private var state: Float = 0

  public init(cutoff: Double, sampleRate: Double) {
    a = Float(1 - exp(-2 * Double.pi * cutoff / sampleRate))
  }

  @inline(__always)
  public mutating func lowPass(_ x: Float) -> Float {
    state += a * (x - state)
    return state
  }

  @inline(__always)
  public mutating func highPass(_ x: Float) -> Float { x - lowPass(x) }
}

/// A second-order section (transposed direct form II) with the RBJ cookbook designs.
public struct Biquad: Sendable, Hashable {
  private var b0: Float, b1: Float, b2: Float, a1: Float, a2: Float
  private var z1: Float = 0, z2: Float = 0

  public enum Kind: Sendable, Hashable { case lowPass, highPass, bandPass }

  /// `frequency` in Hz, `q` the quality factor (0.7071 = Butterworth). Band-pass has 0 dB
  /// peak gain.
  public init(_ kind: Kind, frequency: Double, q: Double, sampleRate: Double) {
    let w = 2 * Double.pi * min(frequency, 0.49 * sampleRate) / sampleRate
    let alpha = sin(w) / (2 * q), c = cos(w)
    let a0 = 1 + alpha
    var b: (Double, Double, Double)
    switch kind {
    case .lowPass: b = ((1 - c) / 2, 1 - c, (1 - c) / 2)
    case .highPass: b = ((1 + c) / 2, -(1 + c), (1 + c) / 2)
    case .bandPass: b = (alpha, 0, -alpha)
    }
    b0 = Float(b.0 / a0)
    b1 = Float(b.1 / a0)
    b2 = Float(b.2 / a0)
    a1 = Float(-2 * c / a0)
    a2 = Float((1 - alpha) / a0)
  }

  @inline(__always)
  public mutating func process(_ x: Float) -> Float {
    let y = b0 * x + z1
    z1 = b1 * x - a1 * y + z2
    z2 = b2 * x - a2 * y
    return y
  }
}

/// A band-limited sawtooth by PolyBLEP: the naive ramp with its step smoothed over one sample
/// either side, so the aliases of a 2 kHz saw at 44.1 kHz sit about 40 dB lower. Phase in
/// cycles; `increment` = f/fs.
public struct PolyBLEPSaw: Sendable, Hashable {
  public var phase: Double

  public init(phase: Double = 0) { self.phase = phase }

  @inline(__always)
  public mutating func next(increment dt: Double) -> Float {
    let t = phase
    phase += dt
    if phase >= 1 { phase -= 1 }
    var value = 2 * t - 1
    if t < dt {
      let u = t / dt
      value -= 2 * u - u * u - 1
    } else if t > 1 - dt {
      let u = (t - 1) / dt
      value -= u * u + 2 * u + 1
    }
    return Float(value)
  }
}
