import Foundation
import Synthesis
import Testing

/// Renders one instrument: `events` are (seconds, action) pairs applied at their exact sample.
func render(
  _ patchName: String, seconds: Double, sampleRate: Double = 44_100, _ events: [(Double, (inout Instrument) -> Void)]
) throws -> [Float] {
  let patch = try #require(Patch.named(patchName))
  var instrument = Instrument(patch: patch, sampleRate: sampleRate)
  let total = Int(seconds * sampleRate)
  var out = [Float](repeating: 0, count: total)
  let sorted = events.sorted { $0.0 < $1.0 }
  var position = 0
  var next = 0
  while position < total {
    while next < sorted.count && Int(sorted[next].0 * sampleRate) <= position {
      sorted[next].1(&instrument)
      next += 1
    }
    let limit = next < sorted.count ? Int(sorted[next].0 * sampleRate) : total
    let n = min(97, max(1, limit - position), total - position)  // odd block sizes on purpose
    out.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      instrument.render(into: base + position, count: n)
    }
    position += n
  }
  return out
}

func frequency(ofKey key: Int) -> Double { 440 * pow(2, Double(key - 69) / 12) }

@Suite struct KarplusStrongTests {
  /// Every note from 41 Hz (E1) to 1976 Hz (B6) is within 1 cent of equal temperament.
  @Test(arguments: [28, 33, 40, 45, 52, 57, 64, 69, 76, 81, 88, 95])
  func tuning(key: Int) throws {
    let audio = try render("pluck-bass", seconds: 1.2, [(0, { $0.noteOn(key: key, velocity: 100) })])
    let target = frequency(ofKey: key)
    let measured = Measure.frequency(audio, sampleRate: 44_100, near: target, time: 0.3, span: 0.6)
    #expect(abs(Measure.cents(measured, target)) < 1, "key \(key): \(measured) Hz for \(target) Hz")
  }

  /// The fundamental decays at the same rate (60 dB per `sustain` seconds) at 110 Hz and 880 Hz.
  @Test(arguments: [45, 57, 69, 81])
  func decayIsPitchIndependent(key: Int) throws {
    let audio = try render("pluck-harp", seconds: 2.2, [(0, { $0.noteOn(key: key, velocity: 100) })])
    let f = frequency(ofKey: key)
    let a = Measure.amplitude(audio, sampleRate: 44_100, frequency: f, time: 0.4, length: 0.2)
    let b = Measure.amplitude(audio, sampleRate: 44_100, frequency: f, time: 1.9, length: 0.2)
    let rate = 20 * log10(b / a) / 1.5  // dB per second
    #expect(abs(rate - -60.0 / 4.0) < 1.5, "key \(key): \(rate) dB/s, expected -15 (harp: 60 dB in 4 s)")
  }

  /// Note-off damps the string: 60 dB in the release time instead of the sustain.
  @Test func releaseDamps() throws {
    let audio = try render("pluck-violin", seconds: 1.5, [(0, { $0.noteOn(key: 69, velocity: 100) }), (0.5, { $0.noteOff(key: 69) })])
    #expect(Measure.rms(audio, sampleRate: 44_100, from: 0.4, to: 0.5) - Measure.rms(audio, sampleRate: 44_100, from: 0.9, to: 1.0) > 40)
  }
}

@Suite struct FrequencyModulationTests {
  /// Harmonic FM patches sound their note: the fundamental within 1 cent, measured over a
  /// whole second (so vibrato averages out).
  @Test(arguments: ["fm-reed", "fm-brass", "fm-flute", "fm-bass", "fm-epiano", "organ"], [45, 57, 69])
  func pitch(patch: String, key: Int) throws {
    let audio = try render(patch, seconds: 2.0, [(0, { $0.noteOn(key: key, velocity: 90) })])
    let target = frequency(ofKey: key)
    let measured = Measure.frequency(audio, sampleRate: 44_100, near: target, time: 0.6, span: 1.0)
    #expect(abs(Measure.cents(measured, target)) < 1, "\(patch) key \(key): \(measured) Hz for \(target) Hz")
  }

  /// The bell's partials are inharmonic: energy at 1.4× the carrier's sidebands, not at 2×.
  @Test func bellIsInharmonic() throws {
    let audio = try render("fm-bell", seconds: 1.0, [(0, { $0.noteOn(key: 69, velocity: 110) })])
    let side = Measure.amplitude(audio, sampleRate: 44_100, frequency: 440 * 2.4, time: 0.2, length: 0.2)
    let octave = Measure.amplitude(audio, sampleRate: 44_100, frequency: 440 * 2, time: 0.2, length: 0.2)
    #expect(side > 10 * octave)
  }

  /// The pitch wheel moves the note: +2 semitones.
  @Test func pitchBend() throws {
    let audio = try render("fm-reed", seconds: 2.0, [(0, { $0.pitchBend(semitones: 2) }), (0, { $0.noteOn(key: 57, velocity: 90) })])
    let target = frequency(ofKey: 59)
    #expect(abs(Measure.cents(Measure.frequency(audio, sampleRate: 44_100, near: target, time: 0.6, span: 1.0), target)) < 1)
  }
}

@Suite struct PolyphonyTests {
  /// A chord of three supersaw notes has all three fundamentals, and every voice ends after
  /// its release.
  @Test func chordAndRelease() throws {
    var events: [(Double, (inout Instrument) -> Void)] = []
    for key in [57, 61, 64] {
      events.append((0, { $0.noteOn(key: key, velocity: 100) }))
      events.append((1.0, { $0.noteOff(key: key) }))
    }
    let audio = try render("supersaw-pad", seconds: 3.0, events)
    for key in [57, 61, 64] {
      #expect(Measure.amplitude(audio, sampleRate: 44_100, frequency: frequency(ofKey: key), time: 0.7, length: 0.2) > 0.005)
    }
    #expect(Measure.rms(audio, sampleRate: 44_100, from: 2.6, to: 3.0) < -100)
  }

  /// The sustain pedal holds notes past their note-off.
  @Test func sustainPedal() throws {
    let held = try render(
      "fm-flute", seconds: 1.5,
      [(0, { $0.controlChange(64, value: 127) }), (0, { $0.noteOn(key: 69, velocity: 100) }), (0.3, { $0.noteOff(key: 69) })])
    #expect(Measure.rms(held, sampleRate: 44_100, from: 1.0, to: 1.2) > -40)
  }
}

@Suite struct DrumTests {
  /// The kick's pitch falls to its resting frequency (909: 54 Hz).
  @Test func kickSettles() throws {
    let audio = try render("drums-909", seconds: 0.6, [(0, { $0.noteOn(key: 36, velocity: 120) })])
    let f = Measure.frequency(audio, sampleRate: 44_100, near: 54, time: 0.2, span: 0.2)
    #expect(abs(f - 54) < 1.5, "\(f) Hz")
    // The sweep starts far above: the first 10 ms carry energy near 200 Hz.
    #expect(Measure.amplitude(audio, sampleRate: 44_100, frequency: 200, time: 0.006, length: 0.012) > 0.05)
  }

  /// Hats are bright, kicks are dark; a closed hat chokes an open one.
  @Test func hatsAndChoke() throws {
    let open = try render("drums-808", seconds: 0.6, [(0, { $0.noteOn(key: 46, velocity: 110) })])
    let choked = try render("drums-808", seconds: 0.6, [(0, { $0.noteOn(key: 46, velocity: 110) }), (0.1, { $0.noteOn(key: 42, velocity: 1) })])
    #expect(Measure.brightness(open, from: 0, to: 4410) > 1.0)
    #expect(Measure.rms(open, sampleRate: 44_100, from: 0.3, to: 0.4) - Measure.rms(choked, sampleRate: 44_100, from: 0.3, to: 0.4) > 30)
  }

  /// Every General MIDI drum key makes a sound (unknown keys a tick), and the same hit twice
  /// gives the same samples.
  @Test func everyKeySounds() throws {
    for key in 27...87 {
      let audio = try render("drums-909", seconds: 0.1, [(0, { $0.noteOn(key: key, velocity: 100) })])
      #expect(Measure.rms(audio, sampleRate: 44_100, from: 0, to: 0.05) > -50, "key \(key)")
    }
  }
}

@Suite struct TB303Tests {
  let fs = 44_100.0

  /// Slide: a note that starts while another is held glides in pitch (in semitones, 95 % of
  /// the way after about 50 ms), and nothing retriggers (the filter envelope keeps falling).
  @Test func slideGlidesWithoutRetrigger() {
    var bass = TB303(sampleRate: fs)
    var block = [Float](repeating: 0, count: 44)
    func run(_ n: Int) {
      for _ in 0..<n { block.withUnsafeMutableBufferPointer { bass.render(into: $0.baseAddress!, count: 44) } }
    }
    bass.noteOn(key: 45, velocity: 90)
    run(100)  // 0.1 s
    let cutoffBefore = bass.cutoffNow
    bass.noteOn(key: 57, velocity: 90)  // overlapping: a slide
    bass.noteOff(key: 45)
    run(10)  // 10 ms
    #expect(bass.pitch > 45.5 && bass.pitch < 56, "after 10 ms: \(bass.pitch)")
    #expect(bass.cutoffNow < cutoffBefore, "the MEG must not retrigger on a slide")
    run(50)  // 60 ms
    #expect(bass.pitch > 57 - 0.05 * 12, "after 60 ms: \(bass.pitch)")
  }

  /// A note that starts after the previous one ended retriggers: no glide.
  @Test func separateNotesJump() {
    var bass = TB303(sampleRate: fs)
    var block = [Float](repeating: 0, count: 44)
    bass.noteOn(key: 45, velocity: 90)
    for _ in 0..<50 { block.withUnsafeMutableBufferPointer { bass.render(into: $0.baseAddress!, count: 44) } }
    bass.noteOff(key: 45)
    bass.noteOn(key: 57, velocity: 90)
    block.withUnsafeMutableBufferPointer { bass.render(into: $0.baseAddress!, count: 44) }
    #expect(abs(bass.pitch - 57) < 1e-9)
  }

  /// Accents stack: three accented sixteenths in a row each open the filter further.
  @Test func accentsStack() {
    var bass = TB303(knobs: TB303.Knobs(cutoff: 500, resonance: 0.8, envelopeModulation: 0.5, decay: 0.3, accent: 1), sampleRate: fs)
    var block = [Float](repeating: 0, count: 44)
    var peaks: [Double] = []
    for _ in 0..<3 {
      bass.noteOn(key: 45, velocity: 127)
      var peak = 0.0
      for _ in 0..<60 {
        block.withUnsafeMutableBufferPointer { bass.render(into: $0.baseAddress!, count: 44) }
        peak = max(peak, bass.cutoffNow)
      }
      bass.noteOff(key: 45)
      for _ in 0..<50 { block.withUnsafeMutableBufferPointer { bass.render(into: $0.baseAddress!, count: 44) } }
      peaks.append(peak)
    }
    #expect(peaks[1] > peaks[0] * 1.05 && peaks[2] > peaks[1], "peak cutoffs \(peaks)")
    // An unaccented note opens it less than the first accent.
    var plain = TB303(knobs: bass.knobs, sampleRate: fs)
    plain.noteOn(key: 45, velocity: 80)
    var plainPeak = 0.0
    for _ in 0..<60 {
      block.withUnsafeMutableBufferPointer { plain.render(into: $0.baseAddress!, count: 44) }
      plainPeak = max(plainPeak, plain.cutoffNow)
    }
    #expect(plainPeak < peaks[0])
  }

  func held(_ setup: @escaping (inout Instrument) -> Void, seconds: Double = 1.0, key: Int = 33) throws -> [Float] {
    try render("tb303", seconds: seconds, [(0, setup), (0, { $0.noteOn(key: key, velocity: 90) })])
  }

  /// CC 74 opens the filter (brighter sound); CC 71 adds resonance without losing the bass
  /// (the high-pass in the feedback path), and the voice sounds its note.
  @Test func controllersAndPitch() throws {
    let dark = try held({ $0.controlChange(74, value: 10) })
    let bright = try held({ $0.controlChange(74, value: 120) })
    #expect(Measure.brightness(bright, from: 8820, to: 30_000) > 1.5 * Measure.brightness(dark, from: 8820, to: 30_000))
    let flat = try held({
      $0.controlChange(71, value: 0)
      $0.controlChange(74, value: 60)
    })
    let resonant = try held({
      $0.controlChange(71, value: 127)
      $0.controlChange(74, value: 60)
    })
    let f0 = frequency(ofKey: 33)
    let bassFlat = Measure.amplitude(flat, sampleRate: fs, frequency: f0, time: 0.3, length: 0.2)
    let bassResonant = Measure.amplitude(resonant, sampleRate: fs, frequency: f0, time: 0.3, length: 0.2)
    // Measured −9.2 dB; an uncompensated diode ladder loses about 26 dB (Burnett).
    #expect(20 * log10(bassResonant / bassFlat) > -12, "fundamental lost \(20 * log10(bassResonant / bassFlat)) dB at full resonance")
    #expect(flat != resonant)
    // Pitch, once the filter envelope has settled (a moving filter shifts the phase).
    let long = try held({ $0.controlChange(74, value: 60) }, seconds: 3)
    let measured = Measure.frequency(long, sampleRate: fs, near: f0, time: 1.5, span: 1.0)
    #expect(abs(Measure.cents(measured, f0)) < 1, "\(measured) Hz")
  }

  /// The filter falls at about 18 dB/oct above cutoff (between 2·fc and 4·fc, after taking
  /// out the saw's own 6 dB/oct), measured on the harmonics of a 55 Hz saw.
  @Test func filterSlope() throws {
    var bass = TB303(knobs: TB303.Knobs(cutoff: 400, resonance: 0, envelopeModulation: 0, decay: 0.05, accent: 0), sampleRate: fs)
    var audio = [Float](repeating: 0, count: Int(1.5 * fs))
    bass.noteOn(key: 33, velocity: 90)
    audio.withUnsafeMutableBufferPointer { bass.render(into: $0.baseAddress!, count: $0.count) }
    let fc = bass.cutoffNow
    let n1 = (2 * fc / 55).rounded(), n2 = (4 * fc / 55).rounded()
    let a1 = Measure.amplitude(audio, sampleRate: fs, frequency: 55 * n1, time: 1.0, length: 0.3)
    let a2 = Measure.amplitude(audio, sampleRate: fs, frequency: 55 * n2, time: 1.0, length: 0.3)
    let octaves = log2(n2 / n1)
    let slope = (20 * log10(a2 / a1) + 20 * log10(n2 / n1)) / octaves
    #expect(slope < -14 && slope > -24, "filter slope \(slope) dB/oct at fc \(fc) Hz")
  }
}

@Suite struct ReverbTests {
  /// A bigger room rings longer; the tail decays to silence.
  @Test func roomSize() {
    func tail(_ room: Double) -> (late: Double, end: Float) {
      var verb = Freeverb(Freeverb.Settings(room: room, damping: 0.5, wet: 0.3), sampleRate: 44_100)
      let n = 44_100 * 6
      var send = [Float](repeating: 0, count: n), left = send, right = send
      send[0] = 1
      send.withUnsafeBufferPointer { s in
        left.withUnsafeMutableBufferPointer { l in
          right.withUnsafeMutableBufferPointer { r in verb.process(send: s.baseAddress!, left: l.baseAddress!, right: r.baseAddress!, count: n) }
        }
      }
      let late = left[22_050..<44_100].reduce(0.0) { $0 + Double($1 * $1) }
      return (late, left[(n - 100)...].map { abs($0) }.max() ?? 0)
    }
    let small = tail(0.2), big = tail(0.9)
    #expect(big.late > 4 * small.late)
    #expect(big.end < 1e-6 && small.end < 1e-6)
  }
}

@Suite struct PatchTests {
  /// Every patch plays middle C, stays finite and below full scale for one voice.
  @Test(arguments: Patch.names)
  func everyPatchPlays(name: String) throws {
    let audio = try render(name, seconds: 1.0, [(0, { $0.noteOn(key: name.hasPrefix("drums") ? 38 : 60, velocity: 127) }), (0.5, { $0.noteOff(key: 60) })])
    #expect(audio.allSatisfy { $0.isFinite })
    let peak = audio.map { abs($0) }.max() ?? 0
    #expect(peak > 0.01 && peak < 1, "\(name): peak \(peak)")
  }

  /// General MIDI programs map to patches that exist, drums to a kit.
  @Test func generalMIDI() {
    for program in 0..<128 { #expect(Patch.names.contains(Patch.generalMIDI(program: program, isDrum: false).name)) }
    #expect(Patch.generalMIDI(program: 0, isDrum: true).name.hasPrefix("drums"))
    #expect(Patch.generalMIDI(program: 38, isDrum: false).name == "tb303")
  }
}
