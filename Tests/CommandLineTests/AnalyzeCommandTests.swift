import Foundation
import Testing
import _TestSupport

@Suite("eigentone analyze")
struct AnalyzeCommandTests {
  @Test func helpText() throws {
    let out = try CommandRunner.eigentone(["analyze", "--help"])
    #expect(out.status == 0)
    #expect(out.stdout.hasPrefix("OVERVIEW: Measure every weight matrix: spectra, WeightWatcher metrics,"))
    for option in ["--json", "--csv", "--exact", "--min-tail <min-tail>", "--threads <threads>", "--no-cache"] {
      #expect(out.stdout.contains(option), "\(option)")
    }
  }

  /// The JSON portrait has the documented keys, is identical whatever the thread count, and
  /// stdout carries nothing else (no progress bar when stderr is not a terminal).
  @Test func jsonPortraitOfMiniLM() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let one = try CommandRunner.eigentone(["analyze", Repository.miniLM, "--json", "--threads", "1", "--no-cache"], environment: env)
    let two = try CommandRunner.eigentone(["analyze", Repository.miniLM, "--json", "--threads", "2", "--no-cache"], environment: env)
    #expect(one.status == 0)
    #expect(one.stderr.isEmpty)
    #expect(one.stdout == two.stdout)
    let object = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8))
    let portrait = try #require(object as? [String: Any])
    let tensors = try #require(portrait["tensors"] as? [[String: Any]])
    #expect(tensors.count == 40)
    let keys = [
      "name", "role", "layer", "shape", "dtype", "singular_values", "row_norms", "frobenius_norm", "mean", "std",
      "skewness", "kurtosis", "nan_count", "inf_count", "alpha", "alpha_weighted", "log_norm", "log_spectral_norm",
      "stable_rank", "entropy", "matrix_rank", "num_spikes", "mp_softrank", "xmin", "D",
    ]
    let q = try #require(tensors.first { $0["name"] as? String == "encoder.layer.2.attention.self.query.weight" })
    for key in keys { #expect(q[key] != nil, "missing \(key)") }
    #expect((q["singular_values"] as? [Double])?.count == 384)
    #expect(portrait["layers"] as? [[String: Any]] != nil)
    #expect(portrait["summary"] as? [String: Any] != nil)
    // --no-cache stores nothing.
    #expect((try? FileManager.default.contentsOfDirectory(atPath: cache.path + "/portraits"))?.isEmpty ?? true)
  }

  /// The second run reads the cached portrait; changing the file invalidates it.
  @Test func cacheIsUsedAndInvalidated() throws {
    let cache = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let model = TemporaryDirectory()
    let path = try SyntheticModels.write(SyntheticModels.llama(layers: 2, hidden: 16, heads: 4, kvHeads: 2, vocab: 32), to: model)
    let first = try CommandRunner.eigentone(["analyze", path, "--json"], environment: env)
    #expect(first.status == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.path + "/portraits")
    #expect(files.count == 1)
    let second = try CommandRunner.eigentone(["analyze", path, "--json"], environment: env)
    #expect(second.stdout == first.stdout)
    // A different model in the same folder (same names and shapes, other values).
    Thread.sleep(forTimeInterval: 0.01)
    _ = try SyntheticModels.write(SyntheticModels.llama(layers: 2, hidden: 16, heads: 4, kvHeads: 2, vocab: 32, biases: true), to: model)
    let third = try CommandRunner.eigentone(["analyze", path, "--json"], environment: env)
    #expect(third.stdout != first.stdout)
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path + "/portraits").count == 2)
  }

  @Test func tableOfTheDefaultModel() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory()
    let out = try CommandRunner.eigentone(["analyze"], directory: "/tmp", environment: CommandRunner.environment(cache: cache.path))
    #expect(out.status == 0)
    #expect(out.stdout.contains("Architecture llama, 30 layers, 211 matrices analysed"))
    let rows = out.stdout.split(separator: "\n").filter { $0.hasPrefix("  29 ") }
    #expect(rows.count == 1)
    #expect(out.stdout.contains("Key "))
  }

  @Test func badOptionsAreOneLineErrors() throws {
    let out = try CommandRunner.eigentone(["analyze", "--min-tail", "0"])
    #expect(out.status != 0)
    #expect(out.stderr.contains("--min-tail must be at least 1"))
  }
}

@Suite("eigentone analyze table")
struct AnalyzeTableTests {
  /// Warnings come layer by layer in numeric order (h.2 before h.10), though the file and the
  /// portrait list tensors alphabetically (h.10 right after h.1, so it would be among the first
  /// 40 lines shown).
  @Test func warningsInLayerOrder() throws {
    let cache = TemporaryDirectory(), model = TemporaryDirectory()
    let gpt2 = SyntheticModels.gpt2(layers: 12, hidden: 16, vocab: 40, positions: 32).alphabetical()
    let path = try SyntheticModels.write(gpt2, to: model)
    let out = try CommandRunner.eigentone(["analyze", path, "--no-cache"], environment: CommandRunner.environment(cache: cache.path))
    #expect(out.status == 0, "\(out.stderr)")
    let warnings = out.stdout.components(separatedBy: "\nWarnings (").dropFirst().first?.split(separator: "\n").dropFirst() ?? []
    let layers = warnings.compactMap { line -> Int? in
      guard let r = line.range(of: "h\\.[0-9]+\\.", options: .regularExpression) else { return nil }
      return Int(line[r].dropFirst(2).dropLast())
    }
    try #require(Set(layers).count >= 3, "\(out.stdout)")
    #expect(layers == layers.sorted(), "\(layers)")
  }
}

@Suite("eigentone analyze --csv")
struct AnalyzeCSVTests {
  static let columns = [
    "name", "tensor", "role", "layer", "rows", "cols", "dtype",
    "N", "M", "Q", "num_evals", "norm", "log_norm", "spectral_norm", "log_spectral_norm", "stable_rank", "matrix_rank",
    "entropy", "alpha", "alpha_weighted", "log_alpha_norm", "xmin", "xmax", "D", "sigma", "num_pl_spikes", "num_spikes",
    "mp_softrank", "sigma_mp", "bulk_max", "warning",
    "frobenius_norm", "mean", "std", "skewness", "kurtosis", "min", "max", "near_zero_fraction", "nan_count", "inf_count",
    "flagged",
  ]

  /// Python's csv module (strict) reads one row per matrix whose every field is the JSON
  /// portrait's value read back exactly (null ↔ empty), in layer order.
  static func check(_ model: String, expectedRows: Int) throws {
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let json = try CommandRunner.eigentone(["analyze", model, "--json"], environment: env)
    let csv = try CommandRunner.eigentone(["analyze", model, "--csv"], environment: env)  // from the cache
    #expect(json.status == 0 && csv.status == 0, "\(json.stderr)\(csv.stderr)")
    #expect(csv.stdout.hasSuffix("\r\n"))
    let report = try CommandRunner.pythonJSON(
      "check_csv.py", out.write("p.csv", text: csv.stdout), out.write("p.json", text: json.stdout))
    #expect(report["header"] as? [String] == columns)
    #expect(report["rows"] as? Int == expectedRows)
    #expect(report["tensors"] as? Int == expectedRows)
    #expect(report["mismatch_count"] as? Int == 0, "\(report["mismatches"] ?? "")")
    #expect(report["layer_order"] as? Bool == true)
  }

  @Test func miniLMRowsEqualTheJSON() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    try Self.check(Repository.miniLM, expectedRows: 40)
  }

  /// A tensor name with a comma and quotes survives the round trip (RFC 4180 quoting).
  @Test func awkwardNamesAreQuoted() throws {
    let model = TemporaryDirectory()
    let llama = SyntheticModels.llama(layers: 2, hidden: 16, heads: 4, kvHeads: 2, vocab: 32)
      .adding(matrix: "extra,\"odd\" name.weight", rows: 12, cols: 16)
    let path = try SyntheticModels.write(llama, to: model)
    try Self.check(path, expectedRows: 2 * 7 + 3)
  }

  @Test func jsonAndCSVTogetherIsAnError() throws {
    let out = try CommandRunner.eigentone(["analyze", "--json", "--csv"])
    #expect(out.status != 0)
    #expect(out.stderr.contains("--json and --csv print different things; choose one"))
  }
}

@Suite("eigentone analyze --plots")
struct AnalyzePlotTests {
  /// One SVG per matrix plus index.html; numpy recomputes every plotted density point, the fit
  /// line's slope (−α) and the xmin line from the JSON portrait (check_spectrum_plots.py).
  @Test func miniLMPlotsMatchTheSpectra() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let json = try CommandRunner.eigentone(["analyze", Repository.miniLM, "--json"], environment: env)
    let plots = try CommandRunner.eigentone(["analyze", Repository.miniLM, "--plots", out.file("plots")], environment: env)
    #expect(json.status == 0 && plots.status == 0, "\(json.stderr)\(plots.stderr)")
    #expect(plots.stdout.hasPrefix("Model "))  // the table is still printed
    let report = try CommandRunner.pythonJSON("check_spectrum_plots.py", out.file("plots"), out.write("p.json", text: json.stdout))
    #expect(report["svgs"] as? Int == 40)
    #expect(report["files"] as? Int == 41)
    #expect(report["checked"] as? Int == 40)
    #expect(report["series_per_plot"] as? [Int] == [1])
    #expect(report["failure_count"] as? Int == 0, "\(report["failures"] ?? "")")
    let index = try String(contentsOfFile: out.file("plots/index.html"), encoding: .utf8)
    #expect(index.components(separatedBy: "<img src=").count - 1 == 40)
  }

  @Test func plotsIntoAFileIsAnError() throws {
    let model = TemporaryDirectory(), out = TemporaryDirectory()
    let path = try SyntheticModels.write(SyntheticModels.llama(layers: 2, hidden: 16, heads: 4, kvHeads: 2, vocab: 32), to: model)
    let file = out.write("taken", text: "keep me")
    let r = try CommandRunner.eigentone(["analyze", path, "--no-cache", "--plots", file])
    #expect(r.status != 0)
    #expect(r.stderr.contains("exists and is not a folder"), "\(r.stderr)")
    #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
  }
}
