#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// True-peak estimation by 4× oversampling (BS.1770-4 Annex 2 style): a 48-tap windowed-sinc
/// interpolator split into four 12-tap phases.
public enum TruePeak {
  static let factor = 4
  static let tapsPerPhase = 12

  /// phases[p][k]: weight of input sample n − k for the output at n − 6 + p/4.
  static let phases: [[Double]] = {
    let taps = factor * tapsPerPhase
    let center = Double(taps - 1) / 2
    var h = (0..<taps).map { n -> Double in
      let x = (Double(n) - center) / Double(factor)
      let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
      let window = 0.42 - 0.5 * cos(2 * Double.pi * Double(n) / Double(taps - 1)) + 0.08 * cos(4 * Double.pi * Double(n) / Double(taps - 1))
      return sinc * window
    }
    var phases: [[Double]] = []
    for p in 0..<factor {
      var phase = stride(from: p, to: taps, by: factor).map { h[$0] }
      let sum = phase.reduce(0, +)
      phase = phase.map { $0 / sum }
      phases.append(phase)
    }
    h.removeAll()
    return phases
  }()

  /// For every frame, the largest absolute value of the oversampled signal around it (over all
  /// channels): a per-sample true-peak detector for the limiter.
  public static func detector(_ samples: [Float], channels: Int) -> [Float] {
    let frames = samples.count / max(1, channels)
    var out = [Float](repeating: 0, count: frames)
    let delay = tapsPerPhase / 2
    for ch in 0..<channels {
      for n in 0..<frames {
        var peak = abs(Double(samples[n * channels + ch]))
        for phase in phases {
          var acc = 0.0
          for k in 0..<tapsPerPhase {
            let i = n + delay - k
            if i >= 0 && i < frames { acc += phase[k] * Double(samples[i * channels + ch]) }
          }
          peak = max(peak, abs(acc))
        }
        out[n] = max(out[n], Float(peak))
      }
    }
    return out
  }

  /// The true peak in dBTP.
  public static func level(_ samples: [Float], channels: Int) -> Double {
    let peak = detector(samples, channels: channels).max() ?? 0
    return 20 * log10(max(Double(peak), 1e-12))
  }
}
