import Analysis
import Anatomy
import ArgumentParser
import AtomicFile
import Checkpoint
import Compare
import Compose
import Foundation
import Render
import Score
import StandardMIDI

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

    @Option(name: .customLong("ab"), parsing: .upToNextOption, help: "GENRE DIR: compose GENRE from both models into DIR (a, b, and ab alternating sections).")
    var ab: [String] = []

    func validate() throws {
      if !ab.isEmpty {
        guard ab.count == 2 else { throw ValidationError("--ab takes a genre and a folder") }
        guard Composers.composer(for: ab[0]) != nil else { throw ValidationError("unknown genre \"\(ab[0])\"") }
      }
    }

    func run() throws {
      let resolver = ModelResolver.standard(environment: ProcessInfo.processInfo.environment)
      let ca = try resolver.open(a), cb = try resolver.open(b)
      let pa = try PortraitStore.portrait(for: ca, options: AnalysisOptions(), useCache: true)
      let pb = try PortraitStore.portrait(for: cb, options: AnalysisOptions(), useCache: true)
      let bar = ProgressBar("comparing")
      let comparison = try Comparison.compare(ca, cb, portraits: (pa, pb)) { done, total in bar.update(done: done, total: total, item: "") }
      bar.finish()
      let environment = ProcessInfo.processInfo.environment
      if let plots { try PlotFolder.write(comparison.plotFiles(portraits: (pa, pb)), into: plots) }
      if output != nil || !audio.paths.isEmpty || provenance != nil {
        let piece = DifferencePiece.score(for: comparison)
        if let output { try MIDIFileWriter.write(piece, to: output) }
        if let provenance { try AtomicFile.write(Array(try piece.provenanceJSON()), to: provenance) }
        _ = try audio.export(piece)
      }
      if ab.count == 2, let composer = Composers.composer(for: ab[0]) {
        let dir = ab[1]
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let preset = try PresetLibrary.standard(environment: environment).preset(for: composer.genre)
        // Both in the key and tempo of A, so only the weights differ.
        let contextA = CompositionContext(portrait: pa, preset: preset)
        let scoreA = try composer.init().compose(contextA)
        let scoreB = try composer.init().compose(CompositionContext(portrait: pb, preset: preset, key: contextA.key, tempo: contextA.tempo))
        let both = ABPiece.alternate(scoreA, scoreB)
        for (name, score) in [("a", scoreA), ("b", scoreB), ("ab", both)] { try MIDIFileWriter.write(score, to: "\(dir)/\(name).mid") }
        if let export = try? audio.exporter() {
          for (name, score) in [("a", scoreA), ("b", scoreB), ("ab", both)] { _ = try export.export(score, to: ["\(dir)/\(name).flac"], bitDepth: 24) }
        }
      }
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
      var lines = ["A  \(c.model_a)", "B  \(c.model_b)", "", "Most changed tensors (relative Frobenius change ‖A−B‖/‖A‖)"]
      for e in c.ranking.prefix(15) {
        lines.append("  \(fmt(e.relative_change).padding(toLength: 10, withPad: " ", startingAt: 0))  \(e.role.padding(toLength: 20, withPad: " ", startingAt: 0)) layer \(e.layer.map(String.init) ?? "-")  \(e.tensor)  Δalpha \(fmt(e.delta_alpha))")
      }
      lines.append("")
      lines.append("Layers (mean and largest relative change)")
      for l in c.layers { lines.append("  layer \(l.layer): mean \(fmt(l.mean_relative_change)), max \(fmt(l.max_relative_change)) (\(l.most_changed))") }
      if !c.only_in_a.isEmpty { lines.append("Only in A: " + c.only_in_a.joined(separator: ", ")) }
      if !c.only_in_b.isEmpty { lines.append("Only in B: " + c.only_in_b.joined(separator: ", ")) }
      return lines.joined(separator: "\n") + "\n"
    }
  }

  /// `eigentone convert`: a lower-precision safetensors copy.
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a lower-precision safetensors copy (f16, bf16, or int8 per-row, dequantised to F32).")

    @OptionGroup var source: ModelArgument

    enum Target: String, ExpressibleByArgument, CaseIterable {
      case f16, bf16, int8
    }

    @Option(help: "f16, bf16 or int8.")
    var to: Target

    @Option(name: .shortAndLong, help: "The .safetensors file to write.")
    var output: String

    func run() throws {
      let checkpoint = try source.open()
      guard let target = Converter.Target(rawValue: to.rawValue) else { throw ValidationError("unknown target") }
      try Converter.convert(checkpoint, to: target, path: output)
      print("\(checkpoint.location) → \(output) (\(to.rawValue))")
    }
  }
}
