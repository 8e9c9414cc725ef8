import ArgumentParser
import Pipeline

extension Eigentone.Album {
  /// `eigentone album dialogue [MODEL]`.
  struct Dialogue: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "An 11-step arc through both prompt sets: 3 calm, 3 rising, the 2 tensest, and a descent of 3 prompts of its own.")

    @OptionGroup var source: ModelArgument
    @Option(name: .shortAndLong, help: "The MIDI file.") var output: String
    @OptionGroup var options: AlbumOptions

    func request() throws -> AlbumRequest { try options.request(model: source.model, piece: .dialogue, midi: output) }
    func validate() throws { try PipelineRunner.validate(try request(), soundfont: options.audio.soundfont) }
    func run() throws { try AlbumOptions.run(try request(), soundfont: options.audio.soundfont) }
  }
}
