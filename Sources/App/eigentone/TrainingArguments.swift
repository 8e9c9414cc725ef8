import ArgumentParser
import Training

/// The model's shape: `--layers`, `--width`, `--heads`, `--context` (the seed's by default).
struct ModelShapeOptions: ParsableArguments {
  @Option(help: "Transformer blocks.") var layers = GPTConfig.seed.layers
  @Option(help: "Embedding width (a multiple of --heads).") var width = GPTConfig.seed.width
  @Option(help: "Attention heads.") var heads = GPTConfig.seed.heads
  @Option(help: "Context length, in tokens.") var context = GPTConfig.seed.context

  var config: GPTConfig { GPTConfig(layers: layers, width: width, heads: heads, context: context, vocabulary: GPTConfig.seed.vocabulary) }

  func validate() throws {
    if let problem = config.problem { throw ValidationError(problem) }
  }
}
