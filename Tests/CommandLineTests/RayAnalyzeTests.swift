import Foundation
import Testing
import _TestSupport

/// `scripts/ray-analyze` on a real local Ray cluster (a head and a second worker node, started
/// with `ray start` as on a cluster, stopped at the end): the merged portrait is the
/// single-process `eigentone analyze --json`, byte for byte, for MiniLM and for a
/// GPT-2-shaped synthetic checkpoint, with one task killed midway and retried.
@Suite("ray-analyze on a local Ray cluster", .serialized)
struct RayAnalyzeTests {
  static let rayInstalled = (try? CommandRunner.run("/usr/bin/env", ["python3", "-c", "import ray"]).status) == 0

  /// Runs `arguments` under coreutils' `timeout`: killed when it passes `seconds`.
  static func run(_ executable: String, _ arguments: [String], seconds: Int, environment: [String: String]? = nil) throws -> CommandRunner.Output {
    try CommandRunner.run("/usr/bin/timeout", ["-s", "KILL", "\(seconds)", executable] + arguments, environment: environment)
  }

  @Test(.enabled(if: rayInstalled), .timeLimit(.minutes(10))) func clusterRunMatchesSingleProcess() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let dir = TemporaryDirectory()
    // A loopback test cluster: Ray's token authentication off for every process of it (a token
    // left in ~/.ray by an earlier cluster would otherwise be demanded of one node and not the
    // other).
    var env = CommandRunner.environment(cache: dir.path)
    env["RAY_AUTH_MODE"] = "disabled"
    let port = 20_000 + Int(getpid() % 20_000)
    let ray = ["python3", "-m", "ray.scripts.scripts"]
    defer { _ = try? Self.run("/usr/bin/env", ray + ["stop", "--force"], seconds: 60, environment: env) }
    let head = try Self.run(
      "/usr/bin/env", ray + ["start", "--head", "--port", "\(port)", "--num-cpus", "1", "--include-dashboard", "false", "--disable-usage-stats"], seconds: 120,
      environment: env)
    #expect(head.status == 0, "\(head.stderr)")
    let worker = try Self.run(
      "/usr/bin/env", ray + ["start", "--address", "127.0.0.1:\(port)", "--num-cpus", "1", "--disable-usage-stats"], seconds: 120, environment: env)
    #expect(worker.status == 0, "\(worker.stderr)")
    let address = "127.0.0.1:\(port)"

    // MiniLM: the driver's portrait is the single-process one.
    let whole = try CommandRunner.eigentone(["analyze", "all-minilm-l6-v2", "--json", "--no-cache"], environment: env)
    let driver = Repository.root + "/scripts/ray-analyze"
    let miniLM = try Self.run(
      "/usr/bin/env", ["python3", driver, "all-minilm-l6-v2", "--address", address, "-o", dir.file("minilm.json"), "--eigentone", Repository.executable],
      seconds: 300, environment: env)
    #expect(miniLM.status == 0, "\(miniLM.stderr)")
    #expect(FileManager.default.contents(atPath: dir.file("minilm.json")) == Data(whole.stdout.utf8))

    // A GPT-2-shaped checkpoint (8 layers × 1024, random f32), one task SIGKILLed midway.
    let model = dir.file("gpt2-shaped")
    let made = try CommandRunner.python("make_big_checkpoint.py", [model, "--arch", "gpt2", "--layers", "8", "--hidden", "1024"])
    #expect(made.status == 0, "\(made.stderr)")
    let reference = try CommandRunner.eigentone(["analyze", model, "--json", "--no-cache"], environment: env)
    #expect(reference.status == 0, "\(reference.stderr)")
    let output = dir.file("gpt2.json")
    let background = Process()
    background.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    background.arguments = ["python3", driver, model, "--address", address, "-o", output, "--parts", "4", "--eigentone", Repository.executable]
    background.environment = env
    background.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
    let err = Pipe()
    background.standardError = err
    background.standardOutput = FileHandle.nullDevice
    try background.run()
    // Kill the first part found running that has kept at least one result but not finished.
    var killed: String?
    let deadline = Date().addingTimeInterval(240)
    while killed == nil && background.isRunning && Date() < deadline {
      let ps = try CommandRunner.run("/usr/bin/env", ["pgrep", "-a", "-f", "analyze \(model) --shard"])
      for line in ps.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ")
        guard let pid = Int32(fields.first ?? ""), let i = fields.firstIndex(of: "--portrait-part"), i + 1 < fields.count else { continue }
        let part = String(fields[i + 1])
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: part + ".work")) ?? []).count
        if kept >= 1 && !FileManager.default.fileExists(atPath: part) {
          kill(pid, SIGKILL)
          killed = part
          break
        }
      }
      Thread.sleep(forTimeInterval: 0.02)
    }
    while background.isRunning && Date() < deadline.addingTimeInterval(120) { Thread.sleep(forTimeInterval: 0.1) }
    if background.isRunning { background.terminate() }
    background.waitUntilExit()
    let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(background.terminationStatus == 0, "\(log)")
    #expect(killed != nil, "no part was caught running")
    if let killed { #expect(FileManager.default.fileExists(atPath: killed), "the killed part was not run again: \(log)") }
    #expect(FileManager.default.contents(atPath: output) == Data(reference.stdout.utf8), "\(log)")
  }
}
