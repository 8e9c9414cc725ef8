import ArgumentParser
import Foundation
import Render
import Score

/// The audio outputs shared by `compose`, `compare` and `render`.
struct AudioOptions: ParsableArguments {
  @Option(help: "Render to this WAV file (mastered to -14 LUFS, true peak -1 dBTP).")
  var wav: String?

  @Option(help: "Render to this FLAC file.")
  var flac: String?

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

  /// The exporter for these options (the soundfont resolved).
  func exporter() throws -> AudioExport {
    guard let font = FluidSynthRenderer.findSoundFont(soundfont, environment: ProcessInfo.processInfo.environment) else {
      throw ValidationError("no soundfont found: pass --soundfont or install fluid-soundfont-gm (scripts/bootstrap does)")
    }
    return AudioExport(renderer: FluidSynthRenderer(soundFont: font, sampleRate: Double(sampleRate)))
  }

  /// Renders `score` to the requested files; returns a summary, or "" when none was asked for.
  func export(_ score: Score, stems: String? = nil, master: Bool = true) throws -> String {
    guard !paths.isEmpty || stems != nil else { return "" }
    if let stems { try FileManager.default.createDirectory(atPath: stems, withIntermediateDirectories: true) }
    let report = try exporter().export(score, to: paths, bitDepth: bitDepth, stemDirectory: stems, master: master)
    return String(format: "%.1f LUFS, true peak %.1f dBTP → %@", report.outputLoudness, report.truePeak, paths.joined(separator: ", "))
  }
}
