import Foundation
import Testing
import _TestSupport

/// `eigentone analyze --shard / --merge / --work / --memory / --plan`: parts merge to the
/// single-process bytes, foreign parts are refused, a SIGKILLed run resumes, damaged results are
/// measured again, and memory stays within the stated bound.
@Suite("eigentone analyze, sharded and resumable", .serialized)
struct ShardedAnalysisCommandTests {
  static func run(_ arguments: [String], cache: String) throws -> CommandRunner.Output {
    try CommandRunner.eigentone(arguments, environment: CommandRunner.environment(cache: cache))
  }

  /// The merged parts are the single-process `--json` (and `--csv`) byte for byte, for MiniLM
  /// (f32 safetensors, 3 parts) and SmolLM2 (Q4_1 GGUF, its wide MLP matrices by column bands).
  @Test func partsMergeToTheSameBytes() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    for (model, parts) in [("all-minilm-l6-v2", 3), ("smollm2-135m-instruct", 2)] {
      let whole = try Self.run(["analyze", model, "--json", "--no-cache"], cache: dir.path)
      #expect(whole.status == 0, "\(whole.stderr)")
      var files: [String] = []
      for i in 1...parts {
        let file = dir.file("\(model)/part-\(i).json")
        let r = try Self.run(["analyze", model, "--shard", "\(i)/\(parts)", "--portrait-part", file], cache: dir.path)
        #expect(r.status == 0 && r.stdout.hasPrefix("part \(i) of \(parts):"), "\(r.stderr)")
        files.append(file)
      }
      // Any order of the part files.
      let merged = try Self.run(["analyze", "--merge"] + files.reversed() + ["--json"], cache: dir.path)
      #expect(merged.status == 0, "\(merged.stderr)")
      #expect(merged.stdout == whole.stdout, "\(model): the merged portrait differs")
      let csv = try Self.run(["analyze", "--merge"] + files + ["--csv"], cache: dir.path)
      let wholeCSV = try Self.run(["analyze", model, "--csv"], cache: dir.path)
      #expect(csv.stdout == wholeCSV.stdout && !csv.stdout.isEmpty)
    }
  }

  /// A cached portrait names the model as the run that reads it does (it was built under
  /// another name): otherwise `--json` would depend on the cache's history and a merged
  /// portrait would not match it.
  @Test func cachedPortraitNamesTheModelAsGiven() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let absolute = try Self.run(["analyze", Repository.miniLM, "--json"], cache: dir.path)
    let relative = try Self.run(["analyze", "all-minilm-l6-v2", "--json"], cache: dir.path)
    #expect(absolute.stdout.contains("\"model\" : \"\(Repository.miniLM)/model.safetensors\""))
    #expect(relative.stdout.contains("\"model\" : \"models/all-minilm-l6-v2/model.safetensors\""), "\(relative.stdout.prefix(300))")
  }

  /// One-line refusals: another model's part, a missing or doubled part, another schema, a
  /// damaged file, a shard that does not exist.
  @Test func refusesPartsThatDoNotBelongTogether() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    for (model, i) in [("all-minilm-l6-v2", 1), ("all-minilm-l6-v2", 2), ("smollm2-135m-instruct", 2)] {
      let r = try Self.run(["analyze", model, "--shard", "\(i)/2", "--portrait-part", dir.file("\(model)-\(i).json")], cache: dir.path)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let a1 = dir.file("all-minilm-l6-v2-1.json"), a2 = dir.file("all-minilm-l6-v2-2.json"), s2 = dir.file("smollm2-135m-instruct-2.json")
    let old = dir.file("old.json")
    try String(contentsOfFile: a2, encoding: .utf8).replacingOccurrences(of: "\"schema_version\":2", with: "\"schema_version\":1").write(
      toFile: old, atomically: true, encoding: .utf8)
    let cut = dir.file("cut.json")
    try Data(try Data(contentsOf: URL(fileURLWithPath: a2)).prefix(500)).write(to: URL(fileURLWithPath: cut))
    for (files, message) in [
      ([a1, s2], "are parts of different analyses (models"), ([a1], "part 2 of 2 is missing"), ([a1, a1], "are both part 1"),
      ([a1, old], "was made by another Eigentone"), ([a1, cut], "is not an eigentone portrait part"),
      ([a1, dir.file("none.json")], "cannot read the part"),
    ] {
      let r = try Self.run(["analyze", "--merge"] + files + ["--json"], cache: dir.path)
      #expect(r.status == 1 && r.stdout.isEmpty, "\(files)")
      #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(message), "\(r.stderr)")
    }
    let bad = try Self.run(["analyze", "--shard", "3/2", "--portrait-part", dir.file("x.json")], cache: dir.path)
    #expect(bad.status != 0 && bad.stderr.contains("1 ≤ I ≤ N") && !FileManager.default.fileExists(atPath: dir.file("x.json")))
  }

  /// SIGKILL in the middle of a part, then the same command again: only the missing matrices
  /// are measured (the rest are read back), and damaged per-matrix results (one cut short, one
  /// with a changed number that still parses) are detected and measured again; the part merges
  /// to the single-process bytes.
  @Test func resumesAfterSIGKILLAndDistrustsDamagedResults() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let whole = try Self.run(["analyze", "--json", "--no-cache"], cache: dir.path)
    let part = dir.file("p.json"), work = part + ".work"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Repository.executable)
    process.arguments = ["analyze", "--shard", "1/1", "--portrait-part", part, "--threads", "1"]
    process.environment = CommandRunner.environment(cache: dir.path)
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    func stored() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []).filter { $0.hasPrefix("matrix-") }.count }
    while stored() < 40 && Date() < deadline && process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal, "the part finished before it could be killed")
    let kept = stored()
    #expect(kept >= 40 && kept < 211 && !FileManager.default.fileExists(atPath: part))
    // Damage two results: one cut short, one changed but still valid JSON.
    let files = try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.hasPrefix("matrix-") }.sorted()
    let first = work + "/" + files[0], second = work + "/" + files[1]
    try Data(try Data(contentsOf: URL(fileURLWithPath: first)).prefix(100)).write(to: URL(fileURLWithPath: first))
    let text = try String(contentsOfFile: second, encoding: .utf8)
    let changed = text.replacingOccurrences(of: "\"frobenius_norm\":", with: "\"frobenius_norm\":1")
    #expect(changed != text)
    try changed.write(toFile: second, atomically: true, encoding: .utf8)
    let again = try Self.run(["analyze", "--shard", "1/1", "--portrait-part", part, "--threads", "1"], cache: dir.path)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("resumed: \(kept - 2) of 272 results kept; 2 damaged, measured again"), "\(again.stderr)")
    let merged = try Self.run(["analyze", "--merge", part, "--json"], cache: dir.path)
    #expect(merged.stdout == whole.stdout)
  }

  /// --memory: a budget below one matrix's need is a one-line error naming it; a budget for
  /// one worker gives one worker; on a wide synthetic model (1024 × 28672 bf16 MLP matrices,
  /// whose Gram is 8 MiB but whose Double copy would be 224 MiB) the measured peak RSS stays
  /// within the bound the command states, for one and two workers.
  @Test func memoryBound() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    let tooSmall = try Self.run(["analyze", "all-minilm-l6-v2", "--memory", "200M", "--no-cache"], cache: dir.path)
    #expect(tooSmall.status != 0 && tooSmall.stderr.contains("embeddings.word_embeddings.weight needs"), "\(tooSmall.stderr)")
    let model = dir.file("wide")
    let made = try CommandRunner.python(
      "make_big_checkpoint.py", [model, "--arch", "llama", "--layers", "1", "--hidden", "1024", "--intermediate", "28672", "--dtype", "bf16", "--mlp-only"])
    #expect(made.status == 0, "\(made.stderr)")
    let plan = try #require(
      try JSONSerialization.jsonObject(with: Data(try Self.run(["analyze", model, "--plan", "1"], cache: dir.path).stdout.utf8)) as? [String: Any])
    let parts = try #require(plan["parts"] as? [[String: Any]])
    let need = try #require(parts.first?["memory_bytes"] as? Int), fixed = try #require(plan["fixed_working_set_bytes"] as? Int)
    // The Gram (8 MiB), a band (8 MiB), blocks and at most 64 MiB of kept file pages: well under
    // the 224 MiB a Double copy of the down projection would take.
    #expect(need < 112 << 20, "per-matrix need \(need)")
    for workers in [1, 2] {
      let limit = workers * need + fixed
      let measured = try CommandRunner.pythonJSON(
        "peak_rss.py", [Repository.executable, "analyze", model, "--no-cache", "--json", "--threads", "2", "--memory", "\(limit)"])
      let stderr = measured["stderr"] as? String ?? ""
      #expect(stderr.contains("memory bound: \(workers) worker"), "\(stderr)")
      let peak = measured["peak_rss_bytes"] as? Int ?? .max
      print("wide synthetic model, \(workers) worker(s): bound \(limit >> 20) MiB, measured peak RSS \(peak >> 20) MiB")
      #expect(measured["status"] as? Int == 0 && peak <= limit, "peak \(peak) > bound \(limit)")
    }
  }
}
