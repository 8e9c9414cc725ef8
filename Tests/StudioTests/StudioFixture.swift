import Checkpoint
import Compare
import Foundation
import Hummingbird
import HummingbirdTesting
import Studio
import StudioServer
import Testing
import _TestSupport

/// One server for the route tests: the default models, plus a folder passed as `--models`
/// holding a tiny GPT-2 written here and an f16 copy of MiniLM (for compare). The portrait
/// cache is a fresh folder, so the first analysis really runs.
enum StudioFixture {
  static let models = TemporaryDirectory("eigentone-studio-models")
  static let cache = TemporaryDirectory("eigentone-studio-cache")
  static let output = TemporaryDirectory("eigentone-studio-jobs")

  static let board: JobBoard = {
    let tiny = SyntheticModels.gpt2(layers: 2)
    try? SafetensorsWriter(entries: tiny.entries, metadata: ["format": "pt"]).write(to: models.file("tiny-gpt2/model.safetensors"))
    models.write("tiny-gpt2/config.json", text: tiny.config)
    models.write("notes.txt", text: "not a model")
    if let minilm = try? ModelResolver(environment: [:]).openPath(Repository.miniLM) {
      try? Converter.convert(minilm, to: .f16, path: models.file("minilm-f16/model.safetensors"))
      try? FileManager.default.copyItem(atPath: Repository.miniLM + "/config.json", toPath: models.file("minilm-f16/config.json"))
    }
    var environment = ProcessInfo.processInfo.environment
    environment["EIGENTONE_CACHE"] = cache.path
    environment["HF_HUB_CACHE"] = cache.path + "/no-hub"
    environment["HF_HOME"] = cache.path + "/no-hf"
    environment["HOME"] = cache.path
    let workbench = Workbench(environment: environment, modelDirectories: [models.path, Repository.root + "/models"], corpusSize: 24)
    return JobBoard(root: URL(fileURLWithPath: output.path), workbench: workbench, concurrency: 2)
  }()

  static func app(_ board: JobBoard = board) -> some ApplicationProtocol { Application(router: StudioServer.router(board: board)) }

  static func json(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
  }

  static func post(_ client: some TestClientProtocol, _ uri: String, _ body: String) async throws -> TestResponse {
    try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
  }

  /// Polls a job until it ends (at most `timeout` seconds); returns its last status.
  static func wait(_ client: some TestClientProtocol, _ id: String, timeout: Double = 300) async throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let status = try json(try await client.execute(uri: "/api/jobs/\(id)", method: .get))
      let state = status["state"] as? String
      if state == "done" || state == "failed" || state == "cancelled" || Date() > deadline { return status }
      try await Task.sleep(for: .milliseconds(100))
    }
  }

  /// A file a job made, fetched through the API.
  static func file(_ client: some TestClientProtocol, _ status: [String: Any], _ kind: String) async throws -> [UInt8] {
    let files = try #require(status["files"] as? [String: String])
    let uri = try #require(files[kind], "no \(kind) in \(files)")
    let response = try await client.execute(uri: uri, method: .get)
    #expect(response.status == .ok)
    return Array(buffer: response.body)
  }
}
