import ArgumentParser
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone generate`: continue a prompt, token by token.
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Continue a prompt with the model (a key-value cache; greedy unless --temperature), streaming the text to stdout.",
      discussion: """
        The raw text is continued by default (llama.cpp's completion mode); --chat wraps it in the \
        model's chat template (ChatML for SmolLM2, Gemma's turns) and stops at the end of the turn. \
        --steer DIR.safetensors:LAYER:COEF adds COEF times that layer's unit direction (from \
        eigentone direction) to the residual stream after block LAYER at every position. \
        Speed (tokens per second after the prompt) goes to stderr.
        """)

    @Argument(help: "The prompt.") var prompt: String
    @OptionGroup var source: ModelArgument
    @Option(name: .customLong("max-tokens"), help: "Tokens to write at most (1 to 2048).") var maxTokens = Limits.defaultGeneratedTokens
    @Flag(help: "Wrap the prompt in the model's chat template.") var chat = false
    @Option(help: "Sampling temperature (0: greedy, the default).") var temperature = 0.0
    @Option(name: .customLong("top-k"), help: "Sample from the K most likely tokens only (0: all).") var topK = 0
    @Option(help: "Seed of the sampler.") var seed: UInt64 = 1
    @Option(help: "Steer: DIR.safetensors:LAYER:COEF.") var steer: String?
    @Flag(help: "Print one JSON object at the end instead of streaming: prompt_ids, ids, text.") var json = false

    func request() throws -> GenerateRequest {
      var stream: (@Sendable (String) -> Void)?
      if !json { stream = Self.write }
      return GenerateRequest(
        model: source.model, prompt: prompt, maxTokens: maxTokens, chat: chat, temperature: temperature, topK: topK, seed: seed,
        steer: try steer.map { try GenerateRequest.Steer(parsing: $0) },
        onText: stream)
    }

    /// Streams a piece of text to stdout as it comes.
    @Sendable static func write(_ piece: String) { FileHandle.standardOutput.write(Data(piece.utf8)) }

    func validate() throws { try PipelineRunner.validate(making: request) }

    func run() throws {
      let out = try request().generate(PipelineRunner.models())
      if json {
        let object: [String: Any] = ["prompt_ids": out.promptIDs, "ids": out.ids, "text": out.text]
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
      }
      FileHandle.standardOutput.write(Data("\n".utf8))
      FileHandle.standardError.write(
        Data(String(format: "%d tokens after a %d-token prompt, %.1f tokens/s\n", out.ids.count, out.promptTokens, out.tokensPerSecond).utf8))
    }
  }
}
