import ArgumentParser
import Pipeline

extension Eigentone.Album {
  /// `eigentone album contrast A B [MODEL]`.
  struct Contrast: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Two prompts side by side in one MIDI file: A on channels 1–4 (left), B on 5–8 (right), each in the mode its tension suggests.")

    @Argument(help: "Prompt A.") var a: String
    @Argument(help: "Prompt B.") var b: String
    @OptionGroup var source: ModelArgument
    @Option(name: .shortAndLong, help: "The MIDI file.") var output: String
    @OptionGroup var options: AlbumOptions

    func request() throws -> AlbumRequest { try options.request(model: source.model, piece: .contrast(a, b), midi: output) }
    func validate() throws { try PipelineRunner.validate(try request(), soundfont: options.audio.soundfont) }
    func run() throws { try AlbumOptions.run(try request(), soundfont: options.audio.soundfont) }
  }
}
