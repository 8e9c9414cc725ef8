#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The master chain: DC blocking, gain to a loudness target, a look-ahead limiter with a
/// true-peak (4× oversampled) detector, then the true peak is checked again.
public struct Mastering: Sendable {
  /// Integrated loudness target, LUFS. −14 is the common streaming reference.
  public var targetLoudness: Double
  /// True-peak ceiling, dBTP.
  public var ceiling: Double

  public init(targetLoudness: Double = -14, ceiling: Double = -1) {
    self.targetLoudness = targetLoudness
    self.ceiling = ceiling
  }

  /// Measured before and after.
  public struct Report: Sendable, Hashable {
    public var inputLoudness: Double
    public var outputLoudness: Double
    public var truePeak: Double
    public var gain: Double
    /// Seconds of audio rendered, and wall-clock seconds the renderer took (set by
    /// ``AudioExport``; 0 otherwise).
    public var duration = 0.0
    public var renderSeconds = 0.0
    /// How often gain and limiter were applied to the audio: 1 when the prediction from the
    /// source's measurements was verified, more when the chain had to fall back.
    public var passes = 1
    /// Wall-clock seconds the mastering took (set by ``AudioExport``).
    public var masteringSeconds = 0.0
  }

  /// DC blocker y[n] = x[n] − x[n−1] + R·y[n−1], R = e^(−2π·10 Hz/fs): removes FluidSynth's
  /// offset (up to 0.0044 measured) without touching the music.
  public static func removeDC(_ samples: inout [Float], channels: Int, sampleRate: Double) {
    let r = exp(-2 * Double.pi * 10 / sampleRate)
    for ch in 0..<channels {
      var x1 = 0.0, y1 = 0.0
      var i = ch
      while i < samples.count {
        let x = Double(samples[i])
        let y = x - x1 + r * y1
        samples[i] = Float(y)
        x1 = x
        y1 = y
        i += channels
      }
    }
  }

  /// Masters interleaved audio in place and reports the levels.
  ///
  /// One measurement of the source: its K-weighted power and its true-peak detector, per
  /// frame. Both scale exactly with a gain, and the limiter's gain curve is a function of the
  /// detector, so the loudness after gain and limiting is predicted from them (the limiter's
  /// gain moves slowly beside the K-weighting filters) and the gain is corrected on the
  /// prediction, without touching the audio. Then the gain and the limiter are applied once and
  /// the result is verified once (loudness and true peak). Only if the verification misses the
  /// target by more than 0.2 LU does the chain fall back to measuring the audio after each
  /// correction (``Report/passes`` counts the applications).
  public func apply(_ samples: inout [Float], channels: Int, sampleRate: Double, gain fixedGain: Double? = nil) -> Report {
    Self.removeDC(&samples, channels: channels, sampleRate: sampleRate)
    let limit = pow(10, (ceiling - 0.1) / 20)
    let power = LoudnessMeter.weightedPower(samples, channels: channels, sampleRate: sampleRate)
    let input = LoudnessMeter.integratedLoudness(power: power, sampleRate: sampleRate)
    let detector = TruePeak.detector(samples, channels: channels)
    var gain = fixedGain ?? (input.isFinite ? pow(10, (targetLoudness - input) / 20) : 1)
    var curve = Self.limiterCurve(detector, gain: gain, ceiling: limit, sampleRate: sampleRate)
    if fixedGain == nil {
      // Limiting lowers the loudness of peaky material: correct the gain on the prediction
      // (at most eight times, gain capped at +40 dB); each boost overshoots by half, since the
      // limiter takes back part of it.
      for _ in 0..<8 {
        let predicted = LoudnessMeter.integratedLoudness(power: power, weights: curve.map { $0 * $0 }, scale: gain * gain, sampleRate: sampleRate)
        guard predicted.isFinite, abs(predicted - targetLoudness) > 0.05 else { break }
        let correction = targetLoudness - predicted
        gain = min(100, gain * pow(10, (correction > 0 ? 1.5 * correction : correction) / 20))
        curve = Self.limiterCurve(detector, gain: gain, ceiling: limit, sampleRate: sampleRate)
      }
    }
    let source = fixedGain == nil ? samples : []
    Self.scale(&samples, channels: channels, gain: gain, curve: curve)
    var report = verify(&samples, channels: channels, sampleRate: sampleRate, input: input, gain: gain)
    guard fixedGain == nil, report.outputLoudness.isFinite, abs(report.outputLoudness - targetLoudness) > 0.2 else { return report }
    // The prediction missed: measure the audio after each correction instead.
    for pass in 2...9 {
      let correction = targetLoudness - report.outputLoudness
      gain = min(100, gain * pow(10, (correction > 0 ? 1.5 * correction : correction) / 20))
      samples = source
      Self.scale(&samples, channels: channels, gain: gain, curve: Self.limiterCurve(detector, gain: gain, ceiling: limit, sampleRate: sampleRate))
      report = verify(&samples, channels: channels, sampleRate: sampleRate, input: input, gain: gain)
      report.passes = pass
      guard report.outputLoudness.isFinite, abs(report.outputLoudness - targetLoudness) > 0.2 else { break }
    }
    return report
  }

  /// Trims the last hair of interpolated overshoot and measures the result.
  private func verify(_ samples: inout [Float], channels: Int, sampleRate: Double, input: Double, gain: Double) -> Report {
    var peak = TruePeak.level(samples, channels: channels)
    if peak > ceiling {
      let trim = Float(pow(10, (ceiling - 0.05 - peak) / 20))
      for i in samples.indices { samples[i] *= trim }
      peak = TruePeak.level(samples, channels: channels)
    }
    return Report(
      inputLoudness: input, outputLoudness: LoudnessMeter.integratedLoudness(samples, channels: channels, sampleRate: sampleRate),
      truePeak: peak, gain: gain)
  }

  /// samples[frame] ×= gain · curve[frame].
  static func scale(_ samples: inout [Float], channels: Int, gain: Double, curve: [Float]) {
    let g = Float(gain)
    samples.withUnsafeMutableBufferPointer { x in
      for n in 0..<min(curve.count, x.count / max(1, channels)) {
        let f = g * curve[n]
        for ch in 0..<channels { x[n &* channels &+ ch] *= f }
      }
    }
  }

  /// The look-ahead limiter's gain per frame (5 ms look-ahead) for audio whose true-peak
  /// detector is `detector` × `gain`: the gain needed per frame is taken as the minimum over
  /// the coming 5 ms, released with a 100 ms time constant and smoothed by a 5 ms box average,
  /// so no frame exceeds `ceiling` and no gain change clicks.
  static func limiterCurve(_ detector: [Float], gain: Double, ceiling: Double, sampleRate: Double) -> [Float] {
    let frames = detector.count
    guard frames > 0 else { return [] }
    let lookahead = max(1, Int(0.005 * sampleRate))
    let required = detector.map { d -> Double in
      let peak = gain * Double(d)
      return peak > 0 ? min(1, ceiling / peak) : 1
    }
    // held[n] = min(required[n ... n + L − 1]): the gain must be reached before the peak.
    var held = [Double](repeating: 1, count: frames)
    var deque: [Int] = []
    deque.reserveCapacity(lookahead + 1)
    var head = 0
    for n in stride(from: frames - 1, through: 0, by: -1) {
      while deque.count > head, let last = deque.last, required[last] >= required[n] { deque.removeLast() }
      deque.append(n)
      while deque[head] > n + lookahead - 1 { head += 1 }
      held[n] = required[deque[head]]
      if head > 4096 && head * 2 > deque.count {
        deque.removeFirst(head)
        head = 0
      }
    }
    let release = exp(-1 / (0.1 * sampleRate))
    var r = 1.0
    // gain[n] = mean(r[n − L + 1 ... n]). Every r[m] in that window is ≤ held[m], which is the
    // minimum of the required gains over a window containing n, so gain[n] ≤ required[n]:
    // the ceiling holds, and the box average turns each gain step into a 5 ms ramp.
    var smoothed = [Double](repeating: 1, count: frames)
    var curve = [Float](repeating: 1, count: frames)
    var sum = 0.0
    for n in 0..<frames {
      r = held[n] < r ? held[n] : held[n] + release * (r - held[n])
      smoothed[n] = r
      sum += r
      if n >= lookahead { sum -= smoothed[n - lookahead] }
      curve[n] = Float(sum / Double(min(n + 1, lookahead)))
    }
    return curve
  }

  /// TPDF dither of ±1 LSB at `bits`, from a fixed-seed generator, so renders stay
  /// byte-identical run after run.
  public static func dither(_ samples: inout [Float], bits: Int) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    let lsb = 1 / Double(1 << (bits - 1))
    for i in samples.indices { samples[i] = Float(Double(samples[i]) + (uniform() - uniform()) * lsb) }
  }
}
