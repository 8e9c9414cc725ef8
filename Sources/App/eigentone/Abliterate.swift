import ArgumentParser
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone abliterate MODEL --direction DIR -o OUT`.
  struct Abliterate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Orthogonalise a contrast direction out of a model's weights, into a Hugging Face folder.",
      discussion: """
        W ← W − r̂r̂ᵀW on the token embedding (its rows), every attention output projection and \
        every MLP down projection, so no layer can write r̂ and the residual stream keeps no \
        component along it. When the output is tied to the embedding (SmolLM2), the unembedding \
        changes with it. OUT gets model.safetensors (F32, Hugging Face names), config.json, \
        tokenizer.json (or tokenizer.gguf) and tokenizer_config.json (with the chat template): transformers and every \
        eigentone command load it. Then the mean next-token KL divergence on harmless prompts and \
        the answer to "The capital of France is" are measured. The Llama family (SmolLM2, Llama, \
        Mistral) and Gemma 3: Gemma normalises each block's output before adding it, so its \
        output and down projections lose their component along g ⊙ r̂ (g: that norm's gains), \
        which leaves none along r̂ after the norm; its vocabulary (SentencePiece-style, with \
        scores) is written as a metadata-only tokenizer.gguf (transformers: gguf_file=).
        """)

    @OptionGroup var source: ModelArgument
    @Option(help: "The direction file (eigentone direction).") var direction: String
    @Option(help: "The direction layer to remove (default: the file's chosen layer).") var layer: Int?
    @Option(name: .shortAndLong, help: "The folder to write.") var output: String
    @Option(help: "Harmless prompts to measure the KL divergence on (default: the first 20 of Compositions/prompts/harmless.txt).") var checks: String?
    @Option(help: "Also write what was measured as JSON.") var json: String?

    func request() throws -> AbliterateRequest {
      let set = try checks.map { try PromptSet.read($0) } ?? PromptSet.harmless()
      return AbliterateRequest(model: source.model, direction: direction, layer: layer, output: output, checks: Array(set.prompts.prefix(20)), json: json)
    }

    func validate() throws { try PipelineRunner.validate(making: request) }

    func run() throws {
      let result = try PipelineRunner.run(try request())
      print(result.summary + " → " + output)
    }
  }
}
