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

    @OptionGroup var audio: AudioOptions

    @Flag(help: "Skip mastering (raw synthesizer output).")
    var raw = false

    func validate() throws {
      guard !audio.paths.isEmpty else { throw ValidationError("give --wav or --flac") }
    }

    func run() throws {
      guard let data = FileManager.default.contents(atPath: midi) else { throw ValidationError("cannot read \(midi)") }
      let score = Score(midi: try MIDIFile(bytes: Array(data)))
      print("\(midi): " + (try audio.export(score, master: !raw)))
    }
  }
}
