import AudioFile
import Foundation
import Render
import Score
import Testing
import _TestSupport

@Suite("rendering and mastering")
struct RenderTests {
  static let soundFont = "/usr/share/sounds/sf2/TimGM6mb.sf2"

  static func pyloudnorm(_ samples: [Float], sampleRate: Int = 44_100) throws -> Double {
    let dir = TemporaryDirectory()
    let path = dir.file("x.wav")
    try SoundFile.write(samples, channels: 2, sampleRate: sampleRate, format: .wavFloat, to: path)
    let out = try CommandRunner.python("loudness.py", [path])
    let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
    return try #require(json?["lufs"] as? Double)
  }

  /// Deterministic test signals: a 1 kHz tone, a low tone, noise, a chord with pauses.
  static func signal(_ kind: Int, seconds: Double = 5, sampleRate: Double = 44_100) -> [Float] {
    var state: UInt64 = 42
    func noise() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    let frames = Int(seconds * sampleRate)
    var out = [Float](repeating: 0, count: frames * 2)
    for i in 0..<frames {
      let t = Double(i) / sampleRate
      let l: Double, r: Double
      switch kind {
      case 0:
        l = 0.1 * sin(2 * .pi * 1000 * t)
        r = l
      case 1:
        l = 0.3 * sin(2 * .pi * 60 * t)
        r = 0.2 * sin(2 * .pi * 90 * t)
      case 2:
        l = 0.05 * noise()
        r = 0.05 * noise()
      default:
        let gate = (Int(t * 2) % 3 == 2) ? 0.0 : 1.0
        l = gate * 0.2 * (sin(2 * .pi * 220 * t) + sin(2 * .pi * 277.18 * t) + sin(2 * .pi * 329.63 * t)) / 3
        r = l * 0.8
      }
      out[2 * i] = Float(l)
      out[2 * i + 1] = Float(r)
    }
    return out
  }

  /// Our BS.1770-4 meter within 0.3 LU of pyloudnorm on reference signals.
  @Test(arguments: [0, 1, 2, 3])
  func loudnessMatchesPyloudnorm(_ kind: Int) throws {
    let x = Self.signal(kind)
    let ours = LoudnessMeter.integratedLoudness(x, channels: 2, sampleRate: 44_100)
    let theirs = try Self.pyloudnorm(x)
    #expect(abs(ours - theirs) <= 0.3, "ours \(ours) pyloudnorm \(theirs)")
  }

  /// Onsets (seconds, of the hop after the rise) of a stereo render: frames whose left-channel
  /// energy jumps 4× over the previous hop and above 5 % of the loudest, at least 50 ms apart.
  static func onsets(_ audio: [Float], hop: Int) -> [Double] {
    let frames = audio.count / 2
    var energies: [Double] = [0]  // silence before the first frame, so a hit at 0 counts
    for start in stride(from: 0, to: frames - hop, by: hop) {
      var e = 0.0
      for i in start..<(start + hop) { e += Double(audio[2 * i] * audio[2 * i]) }
      energies.append(e)
    }
    let peak = energies.max() ?? 1
    var onsets: [Double] = []
    var lastOnset = -1.0
    for k in 1..<energies.count {
      let t = Double(k * hop) / 44_100
      if energies[k] > 0.05 * peak && energies[k] > 4 * energies[k - 1] + 1e-9 && t - lastOnset > 0.05 {
        onsets.append(t)
        lastOnset = t
      }
    }
    return onsets
  }

  static var percussive: Score {
    var s = Score(title: "Hits", tempos: [Score.Tempo(beat: 0, bpm: 120)])
    s.tracks = [Track(name: "Drums", channel: 9, isDrum: true, notes: (0..<16).map { Note(onset: Double($0) * 0.5, duration: 0.1, pitch: 37, velocity: 110) })]
    return s
  }

  /// A FluidSynth render of sixteen drum hits has sixteen onsets, where the score puts them.
  @Test func percussiveRenderHasTheRightOnsets() throws {
    try #require(FileManager.default.fileExists(atPath: Self.soundFont), "run scripts/bootstrap to install the soundfonts")
    let audio = try FluidSynthRenderer(soundFont: Self.soundFont).render(Self.percussive)
    let hop = 256
    let onsets = Self.onsets(audio, hop: hop)
    #expect(onsets.count == 16, "onsets at \(onsets)")
    // Frame k + 1 of `energies` starts at sample k·hop.
    for (k, t) in onsets.enumerated() { #expect(abs(t - Double(hop) / 44_100 - Double(k) * 0.25) < 0.015, "onset \(k) at \(t)") }
  }

  /// The render lasts as long as the score plus the release, not FluidSynth's 2 s of silence.
  @Test func lengthFollowsTheScore() throws {
    try #require(FileManager.default.fileExists(atPath: Self.soundFont), "run scripts/bootstrap to install the soundfonts")
    var s = Score(title: "Long", tempos: [Score.Tempo(beat: 0, bpm: 60)])
    s.tracks = [Track(name: "Piano", channel: 0, notes: [Note(onset: 0, duration: 4, pitch: 60, velocity: 90)])]
    let audio = try FluidSynthRenderer(soundFont: Self.soundFont).render(s)
    let seconds = Double(audio.count / 2) / 44_100
    #expect(seconds >= 4 && seconds < 4 + 8, "\(seconds) s")
  }

  /// After mastering: −14 LUFS (within 1 LU, the limiter may take a little), no frame above
  /// −1 dBTP, no DC.
  @Test(arguments: [1, 3])
  func masteringMeetsItsTargets(_ kind: Int) throws {
    var x = Self.signal(kind).map { $0 * 3 }
    for i in stride(from: 0, to: x.count, by: 2) { x[i] += 0.01 }  // DC offset
    let report = Mastering().apply(&x, channels: 2, sampleRate: 44_100)
    #expect(abs(report.outputLoudness + 14) <= 0.2, "\(report)")
    // The gain came from the prediction (one application of gain and limiter, verified once).
    #expect(report.passes == 1, "\(report)")
    #expect(report.truePeak <= -1, "\(report)")
    #expect(TruePeak.level(x, channels: 2) <= -1)
    let ceiling = Float(pow(10, -1.0 / 20))
    #expect(x.allSatisfy { abs($0) <= ceiling })
    let left = stride(from: 0, to: x.count, by: 2).map { Double(x[$0]) }
    #expect(abs(left.suffix(44_100).reduce(0, +) / 44_100) < 0.001)
  }

  /// The same score gives byte-identical files (16-bit dither included).
  @Test func identicalFiles() throws {
    try #require(FileManager.default.fileExists(atPath: Self.soundFont), "run scripts/bootstrap to install the soundfonts")
    let dir = TemporaryDirectory()
    let export = AudioExport(renderer: FluidSynthRenderer(soundFont: Self.soundFont))
    var s = Self.percussive
    s.tracks.append(Track(name: "Bass", channel: 0, program: 38, notes: [Note(onset: 0, duration: 2, pitch: 40, velocity: 100)]))
    _ = try export.export(s, to: [dir.file("a.wav"), dir.file("a.flac")], bitDepth: 16, stemDirectory: dir.path)
    _ = try export.export(s, to: [dir.file("b.wav"), dir.file("b.flac")], bitDepth: 16)
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("a.wav"))) == Data(contentsOf: URL(fileURLWithPath: dir.file("b.wav"))))
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("a.flac"))) == Data(contentsOf: URL(fileURLWithPath: dir.file("b.flac"))))
    #expect(FileManager.default.fileExists(atPath: dir.file("Drums.wav")))
    #expect(FileManager.default.fileExists(atPath: dir.file("Bass.wav")))
    let loudness = try Self.pyloudnorm(try SoundFile.read(dir.file("a.wav")).samples)
    #expect(abs(loudness + 14) <= 1, "\(loudness)")
  }
}
