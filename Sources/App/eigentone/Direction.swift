import ArgumentParser
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone direction`: the contrast direction between two prompt sets.
  struct Direction: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The contrast direction between two prompt sets (harmful/harmless, happy/sad, …), one per layer.",
      discussion: """
        Each prompt is wrapped in the model's chat template (ChatML for SmolLM2, Gemma's turns; --raw: \
        as written) and run; the residual stream after each block is averaged over the tokens after \
        the instruction (with --raw, the last token), then over each set; the difference of the two \
        means, in Double, normalised, is the layer's direction. The chosen layer separates held-out \
        prompts best (every fifth prompt; layers in the last 20 % excluded). Writes the directions as \
        safetensors ("direction" [layers, hidden], "separation" [layers], the chosen layer in the \
        metadata); --json adds layers [{layer, direction, separation, norm}], chosen_layer and every \
        prompt's text, ids and positions, so anyone can recompute them. Layer l = after block l (0-based).
        """)

    @OptionGroup var source: ModelArgument
    @Option(help: "The positive set: a text file (one prompt per line) or a CSV file (its Goal column). Default: JailbreakBench's 100 behaviours (\"harmful\").")
    var positive: String?
    @Option(help: "The negative set, likewise. Default: Eigentone's 100 everyday instructions (\"harmless\", Compositions/prompts/harmless.txt).")
    var negative: String?
    @OptionGroup var corpora: CorporaOptions
    @Option(name: .shortAndLong, help: "The directions (safetensors).") var output: String
    @Option(help: "Also write the numbers and the prompts as JSON.") var json: String?
    @Flag(help: "Use the prompts as written, without the chat template, and read their last token.") var raw = false

    func request() throws -> DirectionRequest {
      let p = try positive.map { try PromptSet.read($0) } ?? PromptSet.harmful(corpora: corpora.corpora)
      let n = try negative.map { try PromptSet.read($0) } ?? PromptSet.harmless()
      return DirectionRequest(model: source.model, positive: p.prompts, negative: n.prompts, names: (p.name, n.name), output: output, json: json, raw: raw)
    }

    func validate() throws { try PipelineRunner.validate(making: request) }

    func run() throws {
      let result = try PipelineRunner.run(try request())
      print(result.summary + " → " + output + (json.map { ", \($0)" } ?? ""))
    }
  }
}
