import Foundation
import Testing
import _TestSupport

@Suite("eigentone compare and convert")
struct CompareCommandTests {
  @Test func convertThenCompare() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let convert = try CommandRunner.eigentone(["convert", Repository.miniLM, "--to", "int8", "-o", out.file("int8.safetensors")], environment: env)
    #expect(convert.status == 0, "\(convert.stderr)")
    let compare = try CommandRunner.eigentone(
      ["compare", Repository.miniLM, out.file("int8.safetensors"), "--json", "-o", out.file("diff.mid"), "--ab", "acid", out.file("ab")],
      environment: env)
    #expect(compare.status == 0, "\(compare.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
    let ranking = try #require(json["ranking"] as? [[String: Any]])
    #expect(ranking.count == 103)
    let changes = ranking.compactMap { $0["relative_change"] as? Double }
    #expect(changes == changes.sorted(by: >))
    #expect(ranking.allSatisfy { $0["tensor"] is String && $0["role"] is String && $0.keys.contains("layer") })
    #expect(FileManager.default.fileExists(atPath: out.file("diff.mid")))
    for name in ["a.mid", "b.mid", "ab.mid", "a.flac", "b.flac", "ab.flac"] {
      #expect(FileManager.default.fileExists(atPath: out.file("ab/" + name)), "\(name)")
    }
  }

  /// `--plots`: one SVG per matrix in both checkpoints with two series; numpy recomputes both
  /// series from each side's portrait; files follow the ranking (largest change first).
  @Test func comparePlotsBothSpectra() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let cache = TemporaryDirectory(), out = TemporaryDirectory()
    let env = CommandRunner.environment(cache: cache.path)
    let convert = try CommandRunner.eigentone(["convert", Repository.miniLM, "--to", "bf16", "-o", out.file("bf16.safetensors")], environment: env)
    #expect(convert.status == 0, "\(convert.stderr)")
    let compare = try CommandRunner.eigentone(
      ["compare", Repository.miniLM, out.file("bf16.safetensors"), "--json", "--plots", out.file("plots")], environment: env)
    #expect(compare.status == 0, "\(compare.stderr)")
    let a = try CommandRunner.eigentone(["analyze", Repository.miniLM, "--json"], environment: env)
    let b = try CommandRunner.eigentone(["analyze", out.file("bf16.safetensors"), "--json"], environment: env)
    let report = try CommandRunner.pythonJSON(
      "check_spectrum_plots.py", out.file("plots"), out.write("a.json", text: a.stdout), out.write("b.json", text: b.stdout))
    #expect(report["svgs"] as? Int == 40)
    #expect(report["checked"] as? Int == 80)
    #expect(report["series_per_plot"] as? [Int] == [2])
    #expect(report["failure_count"] as? Int == 0, "\(report["failures"] ?? "")")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
    let first = try #require((json["ranking"] as? [[String: Any]])?.first { ($0["shape"] as? [Int])?.count == 2 }?["tensor"] as? String)
    let index = try String(contentsOfFile: out.file("plots/index.html"), encoding: .utf8)
    #expect(index.contains("<img src=\"00-\(first).svg\""), "\(first)")
  }

  @Test func badTargetIsAnError() throws {
    let out = try CommandRunner.eigentone(["convert", "--to", "int4", "-o", "/tmp/never.safetensors"])
    #expect(out.status != 0)
    #expect(!FileManager.default.fileExists(atPath: "/tmp/never.safetensors"))
  }
}

@Suite("eigentone compare across formats")
struct CrossFormatCompareTests {
  /// SmolLM2 as Q4_1 GGUF against the same weights dequantised by llama.cpp's `gguf` package
  /// into Hugging Face-named F32 safetensors: every tensor pairs up by role and layer (q and k
  /// through llama.cpp's row permutation) and not one value differs.
  @Test func ggufAgainstHuggingFaceSafetensors() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory(), cache = TemporaryDirectory()
    let convert = try CommandRunner.python("gguf_to_hf.py", [Repository.smolLM2, dir.file("hf/model.safetensors")])
    #expect(convert.status == 0, "\(convert.stderr)")
    let out = try CommandRunner.eigentone(["compare", Repository.smolLM2, dir.file("hf"), "--json"], environment: CommandRunner.environment(cache: cache.path))
    #expect(out.status == 0, "\(out.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    let ranking = try #require(json["ranking"] as? [[String: Any]])
    #expect(ranking.count == 272)
    #expect((json["only_in_a"] as? [Any])?.isEmpty == true && (json["only_in_b"] as? [Any])?.isEmpty == true)
    #expect(ranking.allSatisfy { $0["relative_change"] as? Double == 0 })
    #expect(ranking.contains { ($0["note"] as? String)?.contains("permutation") == true })
  }
}
