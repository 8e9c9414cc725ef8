import Analysis
import ArgumentParser
import Foundation
import Linalg
import Pipeline

extension Eigentone {
  /// `eigentone analyze`: the spectral portrait of every weight matrix.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure every weight matrix: spectra, WeightWatcher metrics, moments, norms.",
      discussion: """
        Prints a per-layer table (mean alpha, stable rank, log norm, attention/MLP tension, \
        kurtosis) and warnings; --json prints the whole portrait; --csv one row per matrix with \
        WeightWatcher's column names (for pandas.read_csv); --plots DIR writes each matrix's \
        spectrum with its power-law fit as SVG, and an index.html. Portraits are cached by the \
        model file's identity, so a second run is instant.
        """)

    @OptionGroup var source: ModelArgument

    @Flag(help: "Print the whole portrait as one JSON object.")
    var json = false

    @Flag(help: "Print one CSV row per matrix: WeightWatcher's columns, moments and norms.")
    var csv = false

    @Option(help: "Also write one SVG per matrix (log-log spectral density, power-law fit, xmin, bulk edge) and an index.html into this folder.")
    var plots: String?

    @Flag(help: "Compute singular values by SVD (dgesdd) instead of the Gram route: slower, holds each matrix in memory, exact to 1e-12.")
    var exact = false

    @Option(name: .customLong("min-tail"), help: "Smallest power-law tail the alpha fit may choose (1 = WeightWatcher's behaviour).")
    var minimumTail = 1

    @Option(help: "Worker threads (0 = one per core). The results do not depend on it.")
    var threads = 0

    @Flag(help: "Recompute even when a cached portrait exists (and do not store one).")
    var noCache = false

    var request: AnalyzeRequest {
      AnalyzeRequest(
        model: source.model, options: AnalysisOptions(method: exact ? .exact : .gram, minimumTailSize: minimumTail, threads: threads),
        useCache: !noCache, plots: plots)
    }

    func validate() throws {
      guard minimumTail >= 1 else { throw ValidationError("--min-tail must be at least 1") }
      guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
      guard !(json && csv) else { throw ValidationError("--json and --csv print different things; choose one") }
      try PipelineRunner.validate(request)
    }

    func run() throws {
      // One BLAS thread per matrix from here on: OpenBLAS's spinning pool only takes CPU.
      Linalg.stopThreadPool()
      let request = request
      let portrait = try PipelineRunner.withProgress { try request.portrait(PipelineRunner.models(), progress: $0) }
      if json {
        FileHandle.standardOutput.write(try portrait.jsonData(pretty: true))
        print("")
      } else if csv {
        FileHandle.standardOutput.write(Data(portrait.csv().utf8))
      } else {
        print(portrait.text(), terminator: "")
      }
    }
  }
}
