import AudioFile
import Foundation
import Render
import Score
import Synthesis
import Testing
import _TestSupport

@Suite("built-in synthesizer renderer")
struct BuiltinRendererTests {
  let renderer = BuiltinRenderer(reverb: Freeverb.Settings(room: 0.5, damping: 0.5, wet: 0))

  /// Sixteen rim shots from the built-in 909 give sixteen onsets where the score puts them.
  @Test func percussiveRenderHasTheRightOnsets() throws {
    var score = RenderTests.percussive
    score.tracks[0].patch = "drums-909"
    let onsets = RenderTests.onsets(try renderer.render(score, only: nil), hop: 256)
    #expect(onsets.count == 16, "onsets at \(onsets)")
    for (k, t) in onsets.enumerated() { #expect(abs(t - 256.0 / 44_100 - Double(k) * 0.25) < 0.015, "onset \(k) at \(t)") }
  }

  /// The render lasts as long as the score plus its release and reverb tail, not longer.
  @Test(arguments: ["pluck-harp", "supersaw-pad", "tb303", "fm-epiano"])
  func lengthFollowsTheScore(patch: String) throws {
    var s = Score(title: "Long", tempos: [Score.Tempo(beat: 0, bpm: 60)])
    s.tracks = [Track(name: "Part", channel: 0, patch: patch, notes: [Note(onset: 0, duration: 4, pitch: 48, velocity: 90)])]
    let seconds = Double(try BuiltinRenderer().render(s, only: nil).count / 2) / 44_100
    #expect(seconds >= 4 && seconds < 4 + 8, "\(seconds) s")
  }

  /// CC 10 pans with equal power: hard left leaves the right channel silent, the centre
  /// gives both channels cos(π/4) of the signal.
  @Test(arguments: [0, 64, 127])
  func equalPowerPan(pan: Int) throws {
    var s = Score(title: "Pan", tempos: [Score.Tempo(beat: 0, bpm: 120)])
    s.tracks = [
      Track(
        name: "Flute", channel: 0, patch: "fm-flute", notes: [Note(onset: 0, duration: 1, pitch: 69, velocity: 100)],
        controls: [ControlChange(beat: 0, controller: ControlChange.pan, value: pan)])
    ]
    let audio = try renderer.render(s, only: nil)
    let left = stride(from: 0, to: audio.count, by: 2).reduce(0.0) { $0 + Double(audio[$1] * audio[$1]) }
    let right = stride(from: 1, to: audio.count, by: 2).reduce(0.0) { $0 + Double(audio[$1] * audio[$1]) }
    switch pan {
    case 0: #expect(right < 1e-12 * left)
    case 127: #expect(left < 1e-12 * right)
    default: #expect(abs(left - right) < 1e-9 * left)
    }
    // Total power is the same at every position.
    var centre = s
    centre.tracks[0].controls = [ControlChange(beat: 0, controller: ControlChange.pan, value: 64)]
    let c = try renderer.render(centre, only: nil)
    let total = c.reduce(0.0) { $0 + Double($1 * $1) }
    #expect(abs((left + right) / total - 1) < 0.02)
  }

  /// Our loudness meter agrees with pyloudnorm on a built-in render, and mastering reaches
  /// −14 LUFS with no frame above −1 dBTP.
  @Test func loudnessAndMastering() throws {
    var score = RenderTests.percussive
    score.tracks[0].patch = "drums-808"
    score.tracks.append(
      Track(
        name: "Acid", channel: 0, patch: "tb303", notes: (0..<32).map { Note(onset: Double($0) * 0.25, duration: 0.2, pitch: 36 + ($0 % 5) * 3, velocity: $0 % 4 == 0 ? 120 : 90) })
    )
    var audio = try BuiltinRenderer().render(score, only: nil)
    let ours = LoudnessMeter.integratedLoudness(audio, channels: 2, sampleRate: 44_100)
    let theirs = try RenderTests.pyloudnorm(audio)
    #expect(abs(ours - theirs) <= 0.3, "ours \(ours) pyloudnorm \(theirs)")
    let report = Mastering().apply(&audio, channels: 2, sampleRate: 44_100)
    #expect(abs(report.outputLoudness + 14) <= 0.2 && report.truePeak <= -1 && report.passes == 1, "\(report)")
    let mastered = try RenderTests.pyloudnorm(audio)
    #expect(abs(mastered + 14) <= 0.5, "pyloudnorm says \(mastered) LUFS")
  }

  /// Same score, same bytes: 16-bit WAV (dithered) and FLAC; and the stems are written.
  @Test func identicalFiles() throws {
    let dir = TemporaryDirectory()
    let export = AudioExport(renderer: BuiltinRenderer())
    var s = RenderTests.percussive
    s.tracks[0].patch = "drums-909"
    s.tracks.append(Track(name: "Bass", channel: 0, patch: "fm-bass", notes: [Note(onset: 0, duration: 2, pitch: 40, velocity: 100)]))
    s.tracks.append(Track(name: "Strings", channel: 1, patch: "pluck-violin", notes: [Note(onset: 1, duration: 2, pitch: 64, velocity: 80)]))
    let stems = dir.file("stems")
    try FileManager.default.createDirectory(atPath: stems, withIntermediateDirectories: true)
    _ = try export.export(s, to: [dir.file("a.wav"), dir.file("a.flac")], bitDepth: 16, stemDirectory: stems)
    _ = try export.export(s, to: [dir.file("b.wav"), dir.file("b.flac")], bitDepth: 16)
    for ext in ["wav", "flac"] {
      #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("a." + ext))) == Data(contentsOf: URL(fileURLWithPath: dir.file("b." + ext))), "\(ext)")
    }
    for part in ["Drums", "Bass", "Strings"] { #expect(FileManager.default.fileExists(atPath: stems + "/\(part).wav")) }
  }

  /// A part naming a patch that does not exist is an error that names it.
  @Test func unknownPatch() {
    var s = RenderTests.percussive
    s.tracks[0].patch = "theremin"
    #expect(throws: RenderError.unknownPatch("theremin", part: "Drums")) { try BuiltinRenderer().render(s, only: nil) }
  }
}
