import Analysis
import ArgumentParser
import Foundation
import JSONText
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

        Bigger than one machine: --shard I/N --portrait-part FILE measures part I of N (balanced \
        by estimated cost; each result kept in FILE.work/ as it finishes, so a killed part \
        resumes), --merge PART... assembles the portrait (the same bytes as --json), --plan N \
        prints the parts with each one's memory need, and --memory SIZE lowers the parallelism \
        to stay within SIZE (scripts/ray-analyze runs the parts on a Ray cluster).
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

    @Option(help: "Measure only part I of N of the matrices and vectors (e.g. 2/8); needs --portrait-part.")
    var shard: String?

    @Option(name: .customLong("portrait-part"), help: "Where --shard writes its part (JSON).")
    var portraitPart: String?

    @Option(help: "Keep each matrix's result in this folder as it finishes, so a killed run resumes (default for --shard: PART.work).")
    var work: String?

    @Option(help: "Memory the analysis may use (8G, 512M): fewer workers, or an error naming a matrix that cannot fit.")
    var memory: String?

    @Option(parsing: .upToNextOption, help: "Assemble the portrait from these part files (then --json or --csv as usual).")
    var merge: [String] = []

    @Option(help: "Print how the analysis splits into N parts (JSON: each part's matrices, cost, memory need and bytes read).")
    var plan: Int?

    var options: AnalysisOptions { AnalysisOptions(method: exact ? .exact : .gram, minimumTailSize: minimumTail, threads: threads) }

    var request: AnalyzeRequest {
      AnalyzeRequest(
        model: source.model, options: options, useCache: !noCache, plots: plots, work: work, memory: try? memory.map(ShardedAnalysis.memory))
    }

    func validate() throws {
      guard minimumTail >= 1 else { throw ValidationError("--min-tail must be at least 1") }
      guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
      guard !(json && csv) else { throw ValidationError("--json and --csv print different things; choose one") }
      do {
        if let memory { _ = try ShardedAnalysis.memory(memory) }
        if let shard { _ = try ShardedAnalysis.shard(shard) }
      } catch {
        throw ValidationError(error.description)
      }
      guard (shard == nil) == (portraitPart == nil) else { throw ValidationError("--shard I/N and --portrait-part FILE go together") }
      guard merge.isEmpty || (shard == nil && plan == nil) else { throw ValidationError("--merge assembles parts; it takes no --shard or --plan") }
      if let plan, plan < 1 { throw ValidationError("--plan N needs N ≥ 1") }
      if merge.isEmpty { try PipelineRunner.validate(request) }
    }

    func run() throws {
      // One BLAS thread per matrix from here on: OpenBLAS's spinning pool only takes CPU.
      Linalg.stopThreadPool()
      if let plan {
        let report = try AnalysisPlanReport(model: source.model, options: options, parts: plan, models: PipelineRunner.models())
        FileHandle.standardOutput.write(Data(try JSONText.encode(report, pretty: true)))
        print("")
        return
      }
      if let shard, let portraitPart {
        let (part, parts) = try ShardedAnalysis.shard(shard)
        let request = AnalyzePartRequest(
          model: source.model, options: options, part: part, parts: parts, output: portraitPart, work: work, memory: try memory.map(ShardedAnalysis.memory))
        let result = try PipelineRunner.run(request)
        print(result.summary + " → " + portraitPart)
        return
      }
      let request = request
      let portrait =
        merge.isEmpty
        ? try PipelineRunner.withProgress { try request.portrait(PipelineRunner.models(), progress: $0) }
        : try MergePortraitRequest(parts: merge).portrait(PipelineRunner.models())
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
