#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Integrated loudness (LUFS) by ITU-R BS.1770-4: K-weighting (a +4 dB high shelf at 1.5 kHz
/// and a 38 Hz high-pass, as RBJ biquads like pyloudnorm), mean square over 400 ms blocks with
/// 75 % overlap, an absolute gate at −70 LUFS and a relative gate 10 LU below the
/// absolute-gated level. Both channels weigh 1.
public enum LoudnessMeter {
  struct Biquad {
    var b0, b1, b2, a1, a2: Double
    var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    init(b: (Double, Double, Double), a: (Double, Double, Double)) {
      b0 = b.0 / a.0
      b1 = b.1 / a.0
      b2 = b.2 / a.0
      a1 = a.1 / a.0
      a2 = a.2 / a.0
    }

    mutating func process(_ x: Double) -> Double {
      let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
      x2 = x1
      x1 = x
      y2 = y1
      y1 = y
      return y
    }

    static func highShelf(gain: Double, q: Double, frequency: Double, sampleRate: Double) -> Biquad {
      let a = pow(10, gain / 40), w = 2 * Double.pi * frequency / sampleRate
      let alpha = sin(w) / (2 * q), c = cos(w), s = 2 * a.squareRoot() * alpha
      return Biquad(
        b: (a * ((a + 1) + (a - 1) * c + s), -2 * a * ((a - 1) + (a + 1) * c), a * ((a + 1) + (a - 1) * c - s)),
        a: ((a + 1) - (a - 1) * c + s, 2 * ((a - 1) - (a + 1) * c), (a + 1) - (a - 1) * c - s))
    }

    static func highPass(q: Double, frequency: Double, sampleRate: Double) -> Biquad {
      let w = 2 * Double.pi * frequency / sampleRate
      let alpha = sin(w) / (2 * q), c = cos(w)
      return Biquad(b: ((1 + c) / 2, -(1 + c), (1 + c) / 2), a: (1 + alpha, -2 * c, 1 - alpha))
    }
  }

  /// Integrated loudness of interleaved audio, in LUFS (−∞ for silence).
  public static func integratedLoudness(_ samples: [Float], channels: Int, sampleRate: Double) -> Double {
    integratedLoudness(power: weightedPower(samples, channels: channels, sampleRate: sampleRate), sampleRate: sampleRate)
  }

  /// The K-weighted square of every frame, summed over the channels (each weighing 1): what
  /// the blocks average. Linear filters, so a slowly varying gain g[n] applied to the audio
  /// scales this by very nearly g[n]² (what ``Mastering`` uses to predict loudness).
  public static func weightedPower(_ samples: [Float], channels: Int, sampleRate: Double) -> [Double] {
    let channels = max(1, channels)
    let frames = samples.count / channels
    var power = [Double](repeating: 0, count: frames)
    for ch in 0..<channels {
      var shelf = Biquad.highShelf(gain: 4, q: 1 / 2.0.squareRoot(), frequency: 1500, sampleRate: sampleRate)
      var pass = Biquad.highPass(q: 0.5, frequency: 38, sampleRate: sampleRate)
      samples.withUnsafeBufferPointer { x in
        power.withUnsafeMutableBufferPointer { p in
          for i in 0..<frames {
            let y = pass.process(shelf.process(Double(x[i &* channels &+ ch])))
            p[i] += y * y
          }
        }
      }
    }
    return power
  }

  /// Integrated loudness from ``weightedPower(_:channels:sampleRate:)``, each frame's power
  /// multiplied by `weights[n]` (nil: 1) and by `scale`: the gated mean over 400 ms blocks with
  /// 75 % overlap, in LUFS (−∞ for silence or audio shorter than one block).
  public static func integratedLoudness(power: [Double], weights: [Float]? = nil, scale: Double = 1, sampleRate: Double) -> Double {
    let frames = power.count
    let block = Int(0.4 * sampleRate), step = Int(0.1 * sampleRate)
    guard frames >= block else { return -.infinity }
    // Prefix sums make every block's mean square O(1).
    var prefix = [Double](repeating: 0, count: frames + 1)
    if let weights {
      for i in 0..<frames { prefix[i + 1] = prefix[i] + power[i] * Double(weights[i]) }
    } else {
      for i in 0..<frames { prefix[i + 1] = prefix[i] + power[i] }
    }
    var powers: [Double] = []
    var start = 0
    while start + block <= frames {
      powers.append(scale * (prefix[start + block] - prefix[start]) / Double(block))
      start += step
    }
    func lufs(_ p: Double) -> Double { -0.691 + 10 * log10(p) }
    let absolute = powers.filter { lufs($0) > -70 }
    guard !absolute.isEmpty else { return -.infinity }
    let relativeGate = lufs(absolute.reduce(0, +) / Double(absolute.count)) - 10
    let gated = absolute.filter { lufs($0) > relativeGate }
    guard !gated.isEmpty else { return -.infinity }
    return lufs(gated.reduce(0, +) / Double(gated.count))
  }
}
