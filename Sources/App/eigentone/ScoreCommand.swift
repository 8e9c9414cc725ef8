import ArgumentParser
import Pipeline

extension Eigentone {
  /// `eigentone score`: any score file to MIDI, MusicXML or audio.
  struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "score",
      abstract: "Convert a score file (MusicXML, .mxl, Humdrum kern, ABC, MIDI) to MIDI, MusicXML or audio.",
      discussion: """
        Grace notes are skipped; MusicXML and kern are read once through as written (repeats are not \
        expanded), ABC as abc2midi plays it (repeats expanded). Every note has velocity 80 except from \
        MIDI and ABC, whose velocities are kept.
        """)

    @Argument(help: "The score file: .xml, .musicxml, .mxl, .krn, .abc, .mid.")
    var file: String

    @Option(name: .shortAndLong, help: "The MIDI file to write.")
    var output: String?

    @Option(help: "Also write the score as MusicXML 4.0.")
    var musicxml: String?

    @OptionGroup var tune: TuneOption

    @OptionGroup var audio: AudioOptions

    var request: ScoreRequest {
      ScoreRequest(input: file, tune: tune.tune, audio: audio.settings(), outputs: ScoreOutputs(midi: output, musicXML: musicxml, audio: audio.paths))
    }

    func validate() throws { try PipelineRunner.validate(request, soundfont: audio.soundfont) }

    func run() throws {
      let result = try PipelineRunner.run(request, soundfont: audio.soundfont)
      let written = [output, musicxml].compactMap { $0 } + audio.paths
      print("\(result.summary) → \(written.joined(separator: ", "))" + (result.audio.map { "; audio " + $0.line } ?? ""))
    }
  }
}
