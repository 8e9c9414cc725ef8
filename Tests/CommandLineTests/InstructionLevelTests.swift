import Foundation
import Testing
import _TestSupport

/// `EIGENTONE_ISA` forces the kernels' instruction level; each level runs in its own process.
/// Portraits are byte-identical at every level (the analysis kernels are one source compiled
/// three times); the forward pass is bit-identical between AVX2 and AVX-512 (one source) and
/// within 1e-4 of them at the scalar level (OpenBLAS sums in another order).
@Suite("instruction levels", .serialized)
struct InstructionLevelTests {
  static func environment(_ level: String, cache: String) -> [String: String] {
    var env = CommandRunner.environment(cache: cache)
    env["EIGENTONE_ISA"] = level
    return env
  }

  /// The levels this CPU runs (a level it cannot run is refused, which the next test checks).
  static let levels: [String] = ["scalar", "avx2", "avx512"].filter { level in
    let probe = try? CommandRunner.eigentone(["genres"], environment: environment(level, cache: NSTemporaryDirectory()))
    return probe?.status == 0
  }

  @Test func badOrUnsupportedLevelIsOneLine() throws {
    let cache = TemporaryDirectory()
    let bad = try CommandRunner.eigentone(["genres"], environment: Self.environment("avx1024", cache: cache.path))
    #expect(bad.status != 0)
    #expect(bad.stderr == "Error: EIGENTONE_ISA=avx1024 is not a level; use one of scalar, avx2, avx512\n", "\(bad.stderr)")
    #expect(bad.stdout.isEmpty)
    #expect(Self.levels.first == "scalar")
    if !Self.levels.contains("avx512") {
      let unsupported = try CommandRunner.eigentone(["genres"], environment: Self.environment("avx512", cache: cache.path))
      #expect(unsupported.status != 0 && unsupported.stderr.contains("is not supported by this CPU"))
    }
  }

  @Test func portraitsAreIdenticalAtEveryLevel() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory()
    var outputs: [String: String] = [:]
    for level in Self.levels {
      let r = try CommandRunner.eigentone(["analyze", Repository.miniLM, "--json", "--no-cache"], environment: Self.environment(level, cache: cache.path))
      #expect(r.status == 0, "\(level): \(r.stderr)")
      outputs[level] = r.stdout
    }
    #expect(Set(outputs.values).count == 1, "levels \(outputs.keys.sorted()) differ")
    #expect((outputs["scalar"]?.count ?? 0) > 1_000_000)
  }

  @Test func forwardPassAtEveryLevel() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory()
    var results: [String: [[String: Any]]] = [:]
    var raw: [String: String] = [:]
    for level in Self.levels {
      let r = try CommandRunner.eigentone(
        ["next", "The capital of France is", "--top", "20", "--json", "--timing"], environment: Self.environment(level, cache: cache.path))
      #expect(r.status == 0, "\(level): \(r.stderr)")
      #expect(r.stderr.contains("level \(level)"), "\(r.stderr)")
      raw[level] = r.stdout
      results[level] = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
    }
    if let a = raw["avx2"], let b = raw["avx512"] { #expect(a == b, "AVX2 and AVX-512 differ") }
    let reference = try #require(results["scalar"])
    #expect(reference.first?["token"] as? String == " Paris")
    for (level, entries) in results where level != "scalar" {
      #expect(entries.compactMap { $0["id"] as? Int }.prefix(5) == reference.compactMap { $0["id"] as? Int }.prefix(5), "\(level)")
      for (a, b) in zip(entries, reference) {
        let (pa, pb) = (a["probability"] as? Double ?? -1, b["probability"] as? Double ?? -2)
        if a["id"] as? Int == b["id"] as? Int { #expect(abs(pa - pb) < 1e-4, "\(level): \(pa) vs \(pb)") }
      }
    }
  }
}
