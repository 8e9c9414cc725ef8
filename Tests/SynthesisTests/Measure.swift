import Foundation

/// Measurements on rendered audio, written independently of the synthesizer: complex
/// demodulation (a Hann-windowed single-bin DFT at any frequency) gives a partial's amplitude
/// and phase; the phase advance between two windows gives its frequency.
enum Measure {
  /// The complex amplitude of `frequency` in a Hann window of `length` seconds centred at `time`.
  static func bin(_ x: [Float], sampleRate: Double, frequency: Double, time: Double, length: Double) -> (re: Double, im: Double) {
    let n = Int(length * sampleRate)
    let start = Int(time * sampleRate) - n / 2
    var re = 0.0, im = 0.0, weight = 0.0
    for i in 0..<n {
      let k = start + i
      guard k >= 0 && k < x.count else { continue }
      let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1))
      let phase = 2 * Double.pi * frequency * Double(k) / sampleRate
      re += w * Double(x[k]) * cos(phase)
      im -= w * Double(x[k]) * sin(phase)
      weight += w
    }
    return (2 * re / weight, 2 * im / weight)
  }

  static func amplitude(_ x: [Float], sampleRate: Double, frequency: Double, time: Double, length: Double) -> Double {
    let b = bin(x, sampleRate: sampleRate, frequency: frequency, time: time, length: length)
    return (b.re * b.re + b.im * b.im).squareRoot()
  }

  /// The frequency of the partial near `guess`, from the phase advance between windows at
  /// `time` and `time + span`: first over a fifth of the span (one period of a 5 Hz vibrato
  /// when the span is 1 s; unambiguous to ±2.5/span Hz), then refined over the whole span
  /// around that estimate.
  static func frequency(_ x: [Float], sampleRate: Double, near guess: Double, time: Double, span: Double) -> Double {
    let length = max(0.1, 8 / guess)
    func estimate(_ reference: Double, _ d: Double) -> Double {
      let a = bin(x, sampleRate: sampleRate, frequency: reference, time: time, length: length)
      let b = bin(x, sampleRate: sampleRate, frequency: reference, time: time + d, length: length)
      var dphi = atan2(b.im, b.re) - atan2(a.im, a.re)
      while dphi > Double.pi { dphi -= 2 * Double.pi }
      while dphi < -Double.pi { dphi += 2 * Double.pi }
      // The demodulated phase of a partial at f advances by −2π(f − reference)·d... with the
      // sign convention above (e^{−iωk}), a partial at f gives phase 2π(f − reference)·t.
      return reference + dphi / (2 * Double.pi * d)
    }
    let coarse = estimate(guess, span / 5)
    return estimate(coarse, span)
  }

  static func cents(_ f: Double, _ reference: Double) -> Double { 1200 * log2(f / reference) }

  /// Root-mean-square level, dBFS, of `x[from..<to]` (seconds).
  static func rms(_ x: [Float], sampleRate: Double, from: Double, to: Double) -> Double {
    let a = max(0, Int(from * sampleRate)), b = min(x.count, Int(to * sampleRate))
    guard b > a else { return -200 }
    var s = 0.0
    for i in a..<b { s += Double(x[i]) * Double(x[i]) }
    return 10 * log10(max(1e-20, s / Double(b - a)))
  }

  /// Brightness: the RMS of the first difference over the RMS of the signal (rises with the
  /// spectral centroid).
  static func brightness(_ x: [Float], from: Int, to: Int) -> Double {
    var d = 0.0, s = 0.0
    for i in max(1, from)..<min(x.count, to) {
      let v = Double(x[i]), w = Double(x[i] - x[i - 1])
      s += v * v
      d += w * w
    }
    return (d / max(s, 1e-30)).squareRoot()
  }
}
