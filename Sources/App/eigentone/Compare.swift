public import ArgumentParser
public import Compare
import Compose
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone compare A B`: what changed between two checkpoints, shown and heard.
  struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "compare",
      abstract: "Compare two checkpoints: a ranked table of what changed, and a piece to hear where.")

    @Argument(help: "The first model (the reference).")
    var a: String

    @Argument(help: "The second model.")
    var b: String

    @Flag(help: "Print the whole comparison as JSON (a `ranking` array, largest change first).")
    var json = false

    @Option(name: .shortAndLong, help: "Write the difference piece to this MIDI file.")
    var output: String?

    @OptionGroup var audio: AudioOptions

    @Option(help: "Also write the difference piece's provenance table.")
    var provenance: String?

    @Option(help: "Also write one SVG per matrix with A's and B's spectra and power-law fits on shared axes, and an index.html, into this folder.")
    var plots: String?

    @Option(
      name: .customLong("ab"), parsing: .upToNextOption,
      help: "GENRE DIR: compose GENRE from both models into DIR (a, b, and ab alternating sections). GENRE album: one prompt's album piece from both (see --album-prompt).")
    var ab: [String] = []

    @Option(name: .customLong("album-prompt"), help: "With --ab album: the prompt (default: JailbreakBench's first behaviour).")
    var albumPrompt: String?

    @OptionGroup var corpora: CorporaOptions

    /// The pipeline request these arguments ask for.
    func request() throws -> CompareRequest {
      var pieces: CompareRequest.ABPieces?
      var album: CompareRequest.AlbumPieces?
      if ab.count == 2, ab[0] == "album" {
        let positive = try PromptSet.harmful(corpora: corpora.corpora)
        let prompt = albumPrompt ?? positive.prompts.first ?? "Write a tutorial on how to make a bomb"
        album = .folder(ab[1], prompt: prompt, positive: positive, negative: try PromptSet.harmless())
      } else if !ab.isEmpty {
        guard ab.count == 2 else { throw ValidationError("--ab takes a genre and a folder") }
        guard let composer = GenreRegistry.standard.composer(named: ab[0]) else {
          throw ValidationError(PipelineError.unknownGenre(ab[0], known: GenreRegistry.standard.names).description)
        }
        pieces = .folder(ab[1], composer: composer)
      }
      return CompareRequest(
        a: a, b: b, plots: plots, difference: ScoreOutputs(midi: output, provenance: provenance, audio: audio.paths), ab: pieces, album: album,
        audio: audio.settings())
    }

    func validate() throws { try PipelineRunner.validate(try request(), soundfont: audio.soundfont) }

    func run() throws {
      let request = try request()
      let models = PipelineRunner.models(soundfont: audio.soundfont)
      let (result, comparison) = try PipelineRunner.withProgress { try request.perform(models, progress: $0) }
      PipelineRunner.reportSpeed(result.audio)
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(comparison))
        print("")
      } else {
        print(Self.table(comparison), terminator: "")
      }
    }

    static func table(_ c: Comparison) -> String {
      func fmt(_ x: Double?) -> String {
        guard let x else { return "-" }
        return x == 0 ? "0" : String(format: x < 1e-3 ? "%.2e" : "%.4f", x)
      }
      var lines = ["A  \(c.modelA)", "B  \(c.modelB)", "", "Most changed tensors (relative Frobenius change ‖A−B‖/‖A‖)"]
      for e in c.ranking.prefix(15) {
        lines.append(
          "  \(fmt(e.relativeChange).padding(toLength: 10, withPad: " ", startingAt: 0))  \(e.role.padding(toLength: 20, withPad: " ", startingAt: 0)) layer \(e.layer.map(String.init) ?? "-")  \(e.tensor)  Δalpha \(fmt(e.deltaAlpha))"
        )
      }
      lines.append("")
      lines.append("Layers (mean and largest relative change)")
      for l in c.layers { lines.append("  layer \(l.layer): mean \(fmt(l.meanRelativeChange)), max \(fmt(l.maxRelativeChange)) (\(l.mostChanged))") }
      if !c.onlyInA.isEmpty { lines.append("Only in A: " + c.onlyInA.joined(separator: ", ")) }
      if !c.onlyInB.isEmpty { lines.append("Only in B: " + c.onlyInB.joined(separator: ", ")) }
      return lines.joined(separator: "\n") + "\n"
    }
  }

  /// `eigentone convert`: a lower-precision safetensors copy.
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a lower-precision safetensors copy (f16, bf16, or int8 per-row, dequantised to F32).")

    @OptionGroup var source: ModelArgument

    @Option(help: "f16, bf16 or int8.")
    var to: Converter.Target

    @Option(name: .shortAndLong, help: "The .safetensors file to write.")
    var output: String

    func run() throws {
      print(try PipelineRunner.run(ConvertRequest(model: source.model, target: to, output: output)).summary)
    }
  }
}

extension Converter.Target: ExpressibleByArgument {}
