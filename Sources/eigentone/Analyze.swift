import Analysis
import AtomicFile
import Anatomy
import ArgumentParser
import Checkpoint
import Foundation
import Linalg
import Studio

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

    func validate() throws {
      guard minimumTail >= 1 else { throw ValidationError("--min-tail must be at least 1") }
      guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
      guard !(json && csv) else { throw ValidationError("--json and --csv print different things; choose one") }
    }

    func run() throws {
      // One BLAS thread per matrix from here on: OpenBLAS's spinning pool only takes CPU.
      Linalg.stopThreadPool()
      let checkpoint = try source.open()
      let options = AnalysisOptions(method: exact ? .exact : .gram, minimumTailSize: minimumTail, threads: threads)
      let portrait = try PortraitStore.portrait(for: checkpoint, options: options, useCache: !noCache)
      if let plots { try PlotFolder.write(portrait.plotFiles(), into: plots) }
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

/// Loads a cached portrait or builds (and caches) a new one, with a progress bar.
enum PortraitStore {
  static func portrait(for checkpoint: Checkpoint, options: AnalysisOptions, useCache: Bool) throws -> Portrait {
    let bar = ProgressBar("analysing")
    defer { bar.finish() }
    return Portraits.portrait(
      for: checkpoint, options: options, useCache: useCache, environment: ProcessInfo.processInfo.environment,
      progress: { done, total, name in bar.update(done: done, total: total, item: name) })
  }
}

/// Writes plot files (`--plots DIR` of analyze and compare) into a folder.
enum PlotFolder {
  /// Writes `files` into `folder` (created if missing), each atomically.
  static func write(_ files: [(name: String, contents: String)], into folder: String) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
      throw ValidationError("--plots \(folder): exists and is not a folder")
    }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for file in files { try AtomicFile.write(file.contents, to: folder + "/" + file.name) }
  }
}
