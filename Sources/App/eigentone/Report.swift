import ArgumentParser
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone report`: what happens inside a forward pass, as a page and as numbers.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Look inside a forward pass: next-token lists, attention maps and the logit lens, as one self-contained HTML page.",
      discussion: """
        Layer l is block l, counted from 0; the logit lens at l applies the final norm (its statistics recomputed \
        on that layer's residual) and the unembedding to the residual stream after block l. --json writes tokens, \
        next_token [position][10], attention [layer][head][query][key], logit_lens [layer][position], settles and \
        layer_flow. GPT-2 layout and Llama models, and the music models `eigentone train` makes (--prompt-midi).
        """)

    @OptionGroup var source: ModelArgument
    @Option(help: "A text prompt.") var prompt: String?
    @Option(name: .customLong("prompt-midi"), help: "A score file as the prompt, for a music model `eigentone train` made.") var promptMIDI: String?
    @Option(name: .shortAndLong, help: "The HTML page to write.") var output: String
    @Option(help: "Also write the numbers as JSON.") var json: String?

    func validate() throws {
      guard (prompt == nil) != (promptMIDI == nil) else { throw ValidationError("give --prompt TEXT or --prompt-midi FILE") }
    }

    func run() throws {
      let request = ReportRequest(model: source.model, prompt: prompt.map { .text($0) } ?? .score(promptMIDI ?? ""))
      let start = Date()
      let report = try PipelineRunner.withProgress { try request.run(PipelineRunner.models(), progress: $0) }
      try ScoreWriter.writeText(InsideReportPage(report: report).html, to: output)
      if let json { try ScoreWriter.writeJSON(report, to: json, pretty: false) }
      let mind = report.settles.last.map { "the last token's answer settles at layer \($0) of \(report.layers)" } ?? ""
      print(
        String(format: "%d tokens, %d layers × %d heads; %@; %.1f s → %@", report.tokens.count, report.layers, report.heads, mind, Date().timeIntervalSince(start), output)
          + (json.map { ", \($0)" } ?? ""))
    }
  }
}
