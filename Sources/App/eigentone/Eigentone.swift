import ArgumentParser

/// The `eigentone` command: turns the mathematics of a transformer's weights into music.
struct Eigentone: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eigentone",
    abstract: "Measure a transformer's weights and turn them into music.",
    discussion: """
      MODEL may be a .safetensors or .gguf file, a model.safetensors.index.json, a Hugging Face \
      snapshot folder, a repo id found in the local Hugging Face cache (owner/name), or the name \
      of a folder under models/. It defaults to the bundled SmolLM2-135M-Instruct.
      """,
    version: "0.1.0",
    subcommands: [
      Inspect.self, Analyze.self, Compose.self, Genres.self, CompareCommand.self, Convert.self, RenderCommand.self, ScoreCommand.self, Tokenize.self, Corpus.self, Train.self,
      Sample.self, Evaluate.self, Report.self, Direction.self, Album.self, Abliterate.self, Generate.self, Next.self,
      SonifyCommand.self, Serve.self,
    ])
}
