import ArgumentParser
import Foundation
import Render
import Score
import StandardMIDI

extension Eigentone {
  /// `eigentone render`: any Standard MIDI File through Eigentone's renderer and mastering.
  struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "render",
      abstract: "Render a MIDI file to WAV or FLAC (FluidSynth, mastered to -14 LUFS, -1 dBTP).")

    @Argument(help: "The MIDI file.")
    var midi: String

    @Option(help: "The WAV file to write.")
    var wav: String?

    @Option(help: "The FLAC file to write.")
    var flac: String?

    @Option(help: "The soundfont (.sf2).")
    var soundfont: String?

    @Option(name: .customLong("sample-rate"), help: "Hz.")
    var sampleRate = 44_100

    @Option(name: .customLong("bit-depth"), help: "16, 24, or 32 (float WAV).")
    var bitDepth = 24

    @Flag(help: "Skip mastering (raw synthesizer output).")
    var raw = false

    func validate() throws {
      guard wav != nil || flac != nil else { throw ValidationError("give --wav or --flac") }
      guard [16, 24, 32].contains(bitDepth) else { throw ValidationError("--bit-depth must be 16, 24 or 32") }
    }

    func run() throws {
      guard let data = FileManager.default.contents(atPath: midi) else { throw ValidationError("cannot read \(midi)") }
      let score = Score(midi: try MIDIFile(bytes: Array(data)))
      guard let font = FluidSynthRenderer.findSoundFont(soundfont, environment: ProcessInfo.processInfo.environment) else {
        throw ValidationError("no soundfont found: pass --soundfont or install fluid-soundfont-gm")
      }
      let paths = [wav, flac].compactMap { $0 }
      let export = AudioExport(renderer: FluidSynthRenderer(soundFont: font, sampleRate: Double(sampleRate)))
      let report = try export.export(score, to: paths, bitDepth: bitDepth, master: !raw)
      print(String(format: "%@ → %@ (%.1f LUFS, true peak %.1f dBTP)", midi, paths.joined(separator: ", "), report.outputLoudness, report.truePeak))
    }
  }
}
