import ArgumentParser
import Pipeline

extension Eigentone.Album {
  /// `eigentone album solo PROMPT [MODEL]`.
  struct Solo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One prompt's piece, and its tension heatmap.")

    @Argument(help: "The prompt.") var prompt: String
    @OptionGroup var source: ModelArgument
    @Option(name: .shortAndLong, help: "The MIDI file.") var output: String
    @Option(help: "The tension heatmap (SVG: layers up, tokens across).") var heatmap: String?
    @OptionGroup var options: AlbumOptions

    func request() throws -> AlbumRequest { try options.request(model: source.model, piece: .solo(prompt), midi: output, heatmap: heatmap) }
    func validate() throws { try PipelineRunner.validate(try request(), soundfont: options.audio.soundfont) }
    func run() throws { try AlbumOptions.run(try request(), soundfont: options.audio.soundfont) }
  }
}
