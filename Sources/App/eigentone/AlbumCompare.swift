import ArgumentParser
import Pipeline

extension Eigentone.Album {
  /// `eigentone album compare BASE OTHER`.
  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A base model against its abliterated copy: the residual stream's component along the chosen direction, layer by layer, heard.",
      discussion: """
        For each prompt (default: the first of each category of the positive set), an oboe plays \
        the base model's mean cosine with r̂ per layer (0 = the embedding output), a clarinet the \
        other model's, an organ where it fell. --json writes per prompt and layer the mean and the \
        largest |cosine| in each model; after abliteration the largest should be ~0.
        """)

    @Argument(help: "The base model.") var base: String
    @Argument(help: "The other model (e.g. eigentone abliterate's folder).") var other: String
    @Option(name: .customLong("prompt"), help: "A prompt to compare on (repeatable).") var prompts: [String] = []
    @Option(name: .shortAndLong, help: "The MIDI file.") var output: String
    @OptionGroup var options: AlbumOptions

    func request() throws -> AlbumRequest {
      var chosen = prompts
      if chosen.isEmpty {
        let (p, _) = try options.sets()
        var seen = Set<String>()
        for (text, category) in zip(p.prompts, p.categories) where seen.insert(category).inserted { chosen.append(text) }
        chosen = Array(chosen.prefix(10))
      }
      return try options.request(model: base, piece: .compare(other: other, prompts: chosen), midi: output)
    }
    func validate() throws { try PipelineRunner.validate(try request(), soundfont: options.audio.soundfont) }
    func run() throws { try AlbumOptions.run(try request(), soundfont: options.audio.soundfont) }
  }
}
