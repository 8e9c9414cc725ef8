import ArgumentParser
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone report`: what happens inside a forward pass, as a page and as numbers.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Look inside a forward pass: embeddings, next-token lists, attention, head specialisation and the logit lens, as one self-contained HTML page.",
      discussion: """
        Layer l is block l, counted from 0; the logit lens at l applies the final norm (its statistics recomputed \
        on that layer's residual) and the unembedding to the residual stream after block l. --json writes tokens, \
        next_token [position][10], attention [layer][head][query][key], logit_lens [layer][position], settles, \
        layer_flow, embedding (PCA and t-SNE of the trained model and its seeded untrained twin) and head_profile. \
        GPT-2 layout and Llama models, and the music models `eigentone train` makes (--prompt-midi).
        """)

    @OptionGroup var source: ModelArgument
    @Option(help: "A text prompt.") var prompt: String?
    @Option(name: .customLong("prompt-midi"), help: "A score file as the prompt, for a music model `eigentone train` made.") var promptMIDI: String?
    @Option(help: "Text prompts for the head profiles, one per line (default: eight built-in sentences).") var samples: String?
    @Option(help: "Seed of the untrained twin and the neighbour embedding.") var seed: UInt64 = ReportSamples.seed
    @Option(name: .shortAndLong, help: "The HTML page to write.") var output: String
    @Option(help: "Also write the numbers as JSON.") var json: String?

    func validate() throws {
      guard (prompt == nil) != (promptMIDI == nil) else { throw ValidationError("give --prompt TEXT or --prompt-midi FILE") }
    }

    func run() throws {
      var sampleLines: [String]?
      if let samples {
        guard let text = try? String(contentsOfFile: samples, encoding: .utf8) else { throw ValidationError("cannot read \(samples) as UTF-8 text") }
        sampleLines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
      }
      let request = ReportRequest(
        model: source.model, prompt: prompt.map { .text($0) } ?? .score(promptMIDI ?? ""), samples: sampleLines, seed: seed, output: output, json: json)
      try PipelineRunner.validate(request)
      let start = Date()
      let result = try PipelineRunner.run(request)
      print(String(format: "%@; %.1f s → %@", result.summary, Date().timeIntervalSince(start), output) + (json.map { ", \($0)" } ?? ""))
    }
  }
}
