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
  public func apply(_ samples: inout [Float], channels: Int, sampleRate: Double, gain fixedGain: Double? = nil) -> Report {
    Self.removeDC(&samples, channels: channels, sampleRate: sampleRate)
    let input = LoudnessMeter.integratedLoudness(samples, channels: channels, sampleRate: sampleRate)
    let source = samples
    var gain = fixedGain ?? (input.isFinite ? pow(10, (targetLoudness - input) / 20) : 1)
    // Limiting lowers the loudness of peaky material, so gain and limiter are iterated (at
    // most eight passes, gain capped at +40 dB) until the result is within 0.2 LU of target;
    // each correction overshoots by half, since the limiter takes back part of every boost.
    let passes = fixedGain == nil ? 8 : 1
    for pass in 0..<passes {
      for i in samples.indices { samples[i] = Float(Double(source[i]) * gain) }
      limit(&samples, channels: channels, sampleRate: sampleRate, ceiling: pow(10, (ceiling - 0.1) / 20))
      guard fixedGain == nil, pass < passes - 1 else { break }
      let measured = LoudnessMeter.integratedLoudness(samples, channels: channels, sampleRate: sampleRate)
      guard measured.isFinite, abs(measured - targetLoudness) > 0.2 else { break }
      let correction = targetLoudness - measured
      gain = min(100, gain * pow(10, (correction > 0 ? 1.5 * correction : correction) / 20))
    }
    // The interpolated peak can still overshoot by a hair after gain changes: trim it.
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

  /// Look-ahead limiter (5 ms): the gain needed per frame (from the oversampled detector) is
  /// taken as the minimum over the coming 5 ms, released with a 100 ms time constant and
  /// smoothed by a 5 ms box average, so no frame exceeds `ceiling` and no gain change clicks.
  func limit(_ samples: inout [Float], channels: Int, sampleRate: Double, ceiling: Double) {
    let frames = samples.count / channels
    guard frames > 0 else { return }
    let lookahead = max(1, Int(0.005 * sampleRate))
    let detector = TruePeak.detector(samples, channels: channels)
    let required = detector.map { $0 > 0 ? min(1, ceiling / Double($0)) : 1 }
    // held[n] = min(required[n ... n + L − 1]): the gain must be reached before the peak.
    var held = [Double](repeating: 1, count: frames)
    var deque: [Int] = []
    var head = 0
    for n in stride(from: frames - 1, through: 0, by: -1) {
      while deque.count > head, let last = deque.last, required[last] >= required[n] { deque.removeLast() }
      deque.append(n)
      while deque[head] > n + lookahead - 1 { head += 1 }
      held[n] = required[deque[head]]
    }
    let release = exp(-1 / (0.1 * sampleRate))
    var r = 1.0
    var smoothed = [Double](repeating: 1, count: frames)
    for n in 0..<frames {
      r = held[n] < r ? held[n] : held[n] + release * (r - held[n])
      smoothed[n] = r
    }
    // gain[n] = mean(r[n − L + 1 ... n]). Every r[m] in that window is ≤ held[m], which is the
    // minimum of the required gains over a window containing n, so gain[n] ≤ required[n]:
    // the ceiling holds, and the box average turns each gain step into a 5 ms ramp.
    var gain = [Double](repeating: 1, count: frames)
    var sum = 0.0
    for n in 0..<frames {
      sum += smoothed[n]
      if n >= lookahead { sum -= smoothed[n - lookahead] }
      gain[n] = sum / Double(min(n + 1, lookahead))
    }
    for n in 0..<frames {
      for ch in 0..<channels { samples[n * channels + ch] = Float(Double(samples[n * channels + ch]) * gain[n]) }
    }
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
