public import ArgumentParser
import Foundation
import Compose
import Render
import Score
import Studio
import Synthesis

/// The audio outputs shared by `compose`, `compare` and `render`.
struct AudioOptions: ParsableArguments {
  @Option(help: "Render to this WAV file (mastered to -14 LUFS, true peak -1 dBTP).")
  var wav: String?

  @Option(help: "Render to this FLAC file.")
  var flac: String?

  @Option(help: "The renderer: fluidsynth (a General MIDI soundfont) or builtin (Eigentone's own synthesizer: Karplus-Strong strings, FM, a TB-303, 808/909 drums, supersaw).")
  var renderer: RendererChoice = .fluidsynth

  @Option(help: "The soundfont (.sf2); default: $EIGENTONE_SOUNDFONT, then Debian's FluidR3_GM or TimGM6mb.")
  var soundfont: String?

  @Option(name: .customLong("sample-rate"), help: "Sample rate of the audio, Hz.")
  var sampleRate = 44_100

  @Option(name: .customLong("bit-depth"), help: "16, 24, or 32 (float WAV only).")
  var bitDepth = 24

  /// The audio files asked for.
  var paths: [String] { [wav, flac].compactMap { $0 } }

  func validate() throws {
    guard [16, 24, 32].contains(bitDepth) else { throw ValidationError("--bit-depth must be 16, 24 or 32") }
    guard (8_000...96_000).contains(sampleRate) else { throw ValidationError("--sample-rate must be between 8000 and 96000") }
    if flac != nil && bitDepth == 32 { throw ValidationError("FLAC holds 16 or 24 bits; use --bit-depth 16 or 24") }
  }

  /// The exporter for these options (the soundfont resolved). `reverb` is the room of the
  /// built-in synthesizer (a genre's preset may set it).
  func exporter(reverb: Freeverb.Settings? = nil) throws -> AudioExport {
    do {
      return try renderer.exporter(soundfont: soundfont, sampleRate: sampleRate, reverb: reverb, environment: ProcessInfo.processInfo.environment)
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// Throws before anything is written when the score cannot be rendered as asked (a part
  /// naming a built-in patch that does not exist).
  func check(_ score: Score) throws {
    guard !paths.isEmpty else { return }
    try renderer.check(score)
  }

  /// Renders `score` to the requested files; returns a summary, or "" when none was asked for.
  func export(_ score: Score, stems: String? = nil, master: Bool = true, reverb: Freeverb.Settings? = nil) throws -> String {
    guard !paths.isEmpty || stems != nil else { return "" }
    if let stems { try FileManager.default.createDirectory(atPath: stems, withIntermediateDirectories: true) }
    let report = try exporter(reverb: reverb).export(score, to: paths, bitDepth: bitDepth, stemDirectory: stems, master: master)
    // The renderer's speed goes to stderr, so stdout stays the same run after run.
    let speed = report.renderSeconds > 0 ? report.duration / report.renderSeconds : 0
    FileHandle.standardError.write(
      Data(String(format: "%@ renderer: %.1f s of audio in %.2f s (%.1f× realtime)\n", renderer.rawValue, report.duration, report.renderSeconds, speed).utf8))
    return String(format: "%.1f LUFS, true peak %.1f dBTP → %@", report.outputLoudness, report.truePeak, paths.joined(separator: ", "))
  }
}

extension RendererChoice: ExpressibleByArgument {}
