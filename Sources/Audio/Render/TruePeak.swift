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
  /// channels): a per-sample true-peak detector for the limiter. Eight frames at a time: each
  /// channel is copied once into a zero-padded buffer, so the taps need no bounds tests.
  public static func detector(_ samples: [Float], channels: Int) -> [Float] {
    let channels = max(1, channels)
    let frames = samples.count / channels
    let lanes = 8
    let padded = (frames + lanes - 1) / lanes * lanes
    var out = [Float](repeating: 0, count: padded)
    let delay = tapsPerPhase / 2
    // coefficients[p * tapsPerPhase + k]
    let coefficients = phases.flatMap { $0.map { Float($0) } }
    // x[j] = channel sample j − tapsPerPhase, zero outside the signal.
    var x = [Float](repeating: 0, count: padded + 2 * tapsPerPhase + lanes)
    for ch in 0..<channels {
      for n in 0..<frames { x[n + tapsPerPhase] = samples[n * channels + ch] }
      x.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
          guard let xp = xb.baseAddress, let op = ob.baseAddress else { return }
          let raw = UnsafeRawPointer(xp)
          func load(_ j: Int) -> SIMD8<Float> { raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) }
          for n in stride(from: 0, to: padded, by: lanes) {
            let centre = load(n + tapsPerPhase)
            var peak = centre.replacing(with: -centre, where: centre .< 0)
            for p in 0..<factor {
              var acc = SIMD8<Float>(repeating: 0)
              for k in 0..<tapsPerPhase {
                // input sample n + delay − k sits at x[n + delay − k + tapsPerPhase]
                acc += coefficients[p * tapsPerPhase + k] * load(n + delay - k + tapsPerPhase)
              }
              acc.replace(with: -acc, where: acc .< 0)
              peak.replace(with: acc, where: acc .> peak)
            }
            let previous = UnsafeMutableRawPointer(op).loadUnaligned(fromByteOffset: n * 4, as: SIMD8<Float>.self)
            peak.replace(with: previous, where: previous .> peak)
            UnsafeMutableRawPointer(op).storeBytes(of: peak, toByteOffset: n * 4, as: SIMD8<Float>.self)
          }
        }
      }
    }
    out.removeLast(padded - frames)
    return out
  }

  /// The true peak in dBTP.
  public static func level(_ samples: [Float], channels: Int) -> Double {
    let peak = detector(samples, channels: channels).max() ?? 0
    return 20 * log10(max(Double(peak), 1e-12))
  }
}
