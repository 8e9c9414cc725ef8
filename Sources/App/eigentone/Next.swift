import CPUFeatures
import ArgumentParser
import Checkpoint
import Foundation
import Pipeline
import Inference
import Linalg
import Tokenizer

extension Eigentone {
  /// `eigentone next`: the model's most likely next tokens after a prompt.
  struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the model on a prompt and print the most likely next tokens.",
      discussion: "A native forward pass (Llama family from GGUF or safetensors, GPT-2 from safetensors); the simplest check that a model really runs.")

    @Argument(help: "The prompt.")
    var prompt: String

    @OptionGroup var source: ModelArgument

    @Option(help: "How many tokens to list (1 to 100).")
    var top = 5

    @Flag(help: "Print a JSON array of {token, id, probability} objects.")
    var json = false

    @Flag(help: "Print the forward pass's time and speed on stderr (best of 5 warm passes of the model loaded into memory).")
    var timing = false

    func validate() throws {
      guard Limits.nextTop.contains(top) else { throw ValidationError("--top must be between \(Limits.nextTop.lowerBound) and \(Limits.nextTop.upperBound)") }
      guard !prompt.isEmpty else { throw ValidationError("the prompt is empty") }
      guard prompt.utf8.count <= Limits.nextPromptBytes else { throw ValidationError("the prompt is longer than \(Limits.nextPromptBytes / 1024) KiB") }
    }

    func run() throws {
      let models = PipelineRunner.models()
      let checkpoint = try models.checkpoint(source.model)
      let model = try LanguageModel(checkpoint: checkpoint)
      let tokenizer = try models.tokenizer(source.model)
      let tokens = tokenizer.encode(prompt)
      // With --timing the model is first loaded into memory (weights decoded, q/k/v and gate/up
      // stacked) and warmed by one pass; then the best of five passes is reported: the steady
      // state of many passes (the activation-map fit), measured the way a framework holding its
      // weights in memory is measured.
      let runner = timing ? try model.preloaded() : model
      var pass = try runner.forward(tokens)
      if timing {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<5 {
          let started = clock.now
          pass = try runner.forward(tokens)
          let d = started.duration(to: clock.now)
          best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        FileHandle.standardError.write(
          Data(
            String(
              format: "forward pass: %d tokens in %.3f s (%.0f tokens/s), best of 5 warm passes; level %@, %@\n", tokens.count, best,
              Double(tokens.count) / best, Linalg.level.rawValue, Linalg.cpuModel
            ).utf8))
      }
      let best = pass.top(top)
      if json {
        struct Entry: Encodable {
          var token: String
          var id: Int
          var probability: Double
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let entries = best.map { Entry(token: tokenizer.text(of: $0.token), id: $0.token, probability: $0.probability) }
        print(String(decoding: try encoder.encode(entries), as: UTF8.self))
      } else {
        print("\(tokens.count) prompt tokens, \(model.architecture.rawValue), \(model.layers) layers")
        for (rank, entry) in best.enumerated() {
          print(String(format: "%3d  %6.2f%%  %6d  ", rank + 1, entry.probability * 100, entry.token) + JSONValue.literal(tokenizer.text(of: entry.token)))
        }
      }
    }
  }
}
