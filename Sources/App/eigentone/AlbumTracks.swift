import ArgumentParser
import Pipeline

extension Eigentone.Album {
  /// `eigentone album album [MODEL] -o DIR`.
  struct Tracks: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "album",
      abstract: "Every positive prompt as a track, by category, into a folder.",
      discussion: """
        Writes DIR/tracks/NNN-category.mid and .svg (its tension heatmap), DIR/album.mid (every \
        track in order, 2 beats apart), DIR/manifest.csv (track, category, prompt, tension, \
        duration_s, start_s, mode, bpm), DIR/overview.svg and DIR/album.json; --flac/--wav render \
        album.mid. Each category moves the root a fifth.
        """)

    @OptionGroup var source: ModelArgument
    @Option(name: .shortAndLong, help: "The folder.") var output: String
    @OptionGroup var options: AlbumOptions

    func request() throws -> AlbumRequest { try options.request(model: source.model, piece: .album(folder: output), midi: output + "/album.mid") }
    func validate() throws { try PipelineRunner.validate(try request(), soundfont: options.audio.soundfont) }
    func run() throws { try AlbumOptions.run(try request(), soundfont: options.audio.soundfont) }
  }
}
