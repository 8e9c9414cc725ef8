import Foundation
import SoundFont
import Testing

/// The real libfluidsynth with the Debian GM soundfont installed by scripts/bootstrap.
@Suite("FluidSynth")
struct FluidSynthTests {
  static let soundFont = "/usr/share/sounds/sf2/TimGM6mb.sf2"

  /// Fundamental frequency by autocorrelation over 50–2000 Hz.
  static func pitch(_ mono: [Float], rate: Double) -> Double {
    let minLag = Int(rate / 2000), maxLag = Int(rate / 50)
    var best = minLag
    var bestValue = -Double.infinity
    for lag in minLag...maxLag {
      var sum = 0.0
      for i in 0..<(mono.count - maxLag) { sum += Double(mono[i]) * Double(mono[i + lag]) }
      if sum > bestValue {
        bestValue = sum
        best = lag
      }
    }
    // Parabolic interpolation around the peak.
    func r(_ lag: Int) -> Double {
      var s = 0.0
      for i in 0..<(mono.count - maxLag) { s += Double(mono[i]) * Double(mono[i + lag]) }
      return s
    }
    let (a, b, c) = (r(best - 1), r(best), r(best + 1))
    let shift = (a - c) / (2 * (a - 2 * b + c))
    return rate / (Double(best) + shift)
  }

  @Test func rendersATunedNote() throws {
    try #require(FileManager.default.fileExists(atPath: Self.soundFont), "run scripts/bootstrap to install the soundfonts")
    let synth = try FluidSynth(soundFont: Self.soundFont, sampleRate: 44_100)
    synth.programChange(channel: 0, program: 0)
    synth.noteOn(channel: 0, key: 69, velocity: 100)  // A4
    _ = synth.render(frames: 4410)  // skip the attack
    let stereo = synth.render(frames: 8820)
    synth.noteOff(channel: 0, key: 69)
    let mono = stride(from: 0, to: stereo.count, by: 2).map { (stereo[$0] + stereo[$0 + 1]) / 2 }
    let rms = (mono.map { Double($0 * $0) }.reduce(0, +) / Double(mono.count)).squareRoot()
    #expect(rms > 0.005)
    let hz = Self.pitch(mono, rate: 44_100)
    let cents = 1200 * log2(hz / 440)
    #expect(abs(cents) < 10, "measured \(hz) Hz")
  }

  @Test func silenceWithoutNotes() throws {
    try #require(FileManager.default.fileExists(atPath: Self.soundFont), "run scripts/bootstrap to install the soundfonts")
    let synth = try FluidSynth(soundFont: Self.soundFont)
    // FluidSynth's reverb and chorus keep a denormal-guard offset alive, so "silent" is tiny,
    // not exactly zero.
    let peak = synth.render(frames: 1000).map(abs).max() ?? 1
    #expect(peak < 1e-5, "peak \(peak)")
  }

  @Test func missingSoundFont() {
    #expect(throws: FluidSynthError.cannotLoadSoundFont(path: "/nonexistent.sf2")) {
      try FluidSynth(soundFont: "/nonexistent.sf2")
    }
  }
}
