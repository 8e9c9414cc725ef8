import ArgumentParser
import Compose
import Pipeline
import Foundation

extension Eigentone {
  /// `eigentone compose`: a model in, a piece of music out.
  struct Compose: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compose a piece in a genre from a model's weights.",
      discussion: "See `eigentone genres` for the genres and Compositions/ for their editable presets.")

    @Argument(help: "The genre (see `eigentone genres`).")
    var genre: String

    @OptionGroup var source: ModelArgument

    @Option(name: .shortAndLong, help: "The MIDI file to write.")
    var output: String

    @Option(help: "Also write the provenance table (JSON: one entry per note of the MIDI file).")
    var provenance: String?

    @Option(help: "Also write the score as MusicXML 4.0.")
    var musicxml: String?

    @OptionGroup var keyTempo: KeyTempoOptions

    @Option(help: "Use this preset file instead of the bundled one.")
    var preset: String?

    @Option(name: .customLong("per-layer"), help: "Also write one short MIDI file per layer into this folder (acid).")
    var perLayer: String?

    @OptionGroup var audio: AudioOptions

    @Option(help: "Also write one audio file per part into this folder.")
    var stems: String?

    @Flag(help: "Recompute the portrait even when a cached one exists.")
    var noCache = false

    @Option(help: "A training folder (`eigentone train -o DIR`): one section per checkpoint, in training order, each marked \"step N\".")
    var checkpoints: String?

    /// The pipeline request these arguments ask for.
    func request() throws -> ComposeRequest {
      guard let composer = GenreRegistry.standard.composer(named: genre) else {
        throw ValidationError(PipelineError.unknownGenre(genre, known: GenreRegistry.standard.names).description)
      }
      return ComposeRequest(
        model: source.model, composer: composer, key: try keyTempo.parsedKey(), tempo: keyTempo.tempo, presetPath: preset, useCache: !noCache,
        audio: audio.settings(),
        outputs: ScoreOutputs(midi: output, provenance: provenance, musicXML: musicxml, audio: audio.paths, stems: stems, perLayer: perLayer))
    }

    /// With --checkpoints, the request for a whole training run.
    func runRequest() throws -> TrainingRunComposeRequest? {
      guard let checkpoints else { return nil }
      return TrainingRunComposeRequest(folder: checkpoints, compose: try request())
    }

    func validate() throws {
      if let run = try runRequest() {
        try PipelineRunner.validate(run, soundfont: audio.soundfont)
      } else {
        try PipelineRunner.validate(try request(), soundfont: audio.soundfont)
      }
    }

    func run() throws {
      let result = try (try runRequest()).map { try PipelineRunner.run($0, soundfont: audio.soundfont) } ?? PipelineRunner.run(try request(), soundfont: audio.soundfont)
      print("\(result.summary) → \(output)" + (result.audio.map { "; audio " + $0.line } ?? ""))
    }
  }

  /// `eigentone genres`: the genres with a line each.
  struct Genres: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the genres `compose` knows.")

    func run() {
      for c in GenreRegistry.standard.composers { print(c.genre.padding(toLength: 8, withPad: " ", startingAt: 0) + c.summary) }
    }
  }
}
