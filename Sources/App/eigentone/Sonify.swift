public import ArgumentParser
import Pipeline
public import Sonify

extension Eigentone {
  /// `eigentone sonify`: a prompt's hidden states, word by word and layer by layer, as music.
  struct SonifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sonify",
      abstract: "Hear a model think: run a prompt and turn its hidden states into music.",
      discussion: """
        words (default): one note per word in three voices, flute from an early layer, clarinet from \
        the middle layer, strings from the last, over a drone; pitch, loudness and length come from \
        each layer's principal components against a map fitted once on a reference corpus (1000 \
        WordNet example sentences; cached). thinking: a bar per layer in which every token is a voice. \
        lens: the logit lens of the last token, one beat per layer: a voice whose pitch follows the rank \
        of the final answer (it lands on the tonic where the model makes up its mind), a pad whose \
        loudness and brightness follow the top token's probability, and a change of harmony whenever \
        the top token changes; markers name each layer's top token.
        """)

    @Argument(help: "The prompt.")
    var prompt: String

    @OptionGroup var source: ModelArgument

    @Option(name: .shortAndLong, help: "The MIDI file to write.")
    var output: String

    @Option(help: "words, thinking or lens.")
    var mode: Sonification.Mode = .words

    @Option(help: "Write the word timings (JSON: word, onset and duration in seconds).")
    var timing: String?

    @Option(help: "Also write the provenance table (JSON: layer, token, component and value of every note).")
    var provenance: String?

    @OptionGroup var corpus: CorpusOptions

    @OptionGroup var keyTempo: KeyTempoOptions

    @OptionGroup var audio: AudioOptions

    /// The pipeline request these arguments ask for.
    func request() throws -> SonifyRequest {
      SonifyRequest(
        prompt: prompt, model: source.model, mode: mode, key: try keyTempo.parsedKey(), tempo: keyTempo.tempo ?? Limits.sonifyTempo,
        corpus: corpus.choice, audio: audio.settings(), outputs: ScoreOutputs(midi: output, provenance: provenance, audio: audio.paths), timing: timing)
    }

    func validate() throws { try PipelineRunner.validate(try request(), soundfont: audio.soundfont) }

    func run() throws {
      let result = try PipelineRunner.run(try request(), soundfont: audio.soundfont)
      print("\(result.summary) → \(output)" + (result.audio.map { "; audio " + $0.line } ?? ""))
    }
  }
}

extension Sonification.Mode: ExpressibleByArgument {}
