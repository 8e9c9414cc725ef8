import ArgumentParser
import Pipeline

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

    var request: RenderRequest { RenderRequest(midi: midi, audio: audio.settings(master: !raw), paths: audio.paths) }

    func validate() throws { try PipelineRunner.validate(request, soundfont: audio.soundfont) }

    func run() throws {
      let result = try PipelineRunner.run(request, soundfont: audio.soundfont)
      print("\(midi): " + (result.audio?.line ?? ""))
    }
  }
}
