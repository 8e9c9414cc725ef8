import Checkpoint
import Compare
import Foundation
import Testing
import _TestSupport

/// One real `eigentone serve` for the route tests: the default models, plus a folder passed as
/// `--models` holding a tiny GPT-2 written here and an f16 copy of MiniLM (for compare). The
/// portrait cache is a fresh folder, so the first analysis really runs; command-line runs in
/// the parity tests share it.
enum StudioFixture {
  static let models = TemporaryDirectory("eigentone-studio-models")
  static let cache = TemporaryDirectory("eigentone-studio-cache")
  static let output = TemporaryDirectory("eigentone-studio-jobs")

  /// The environment of the server and of the command-line runs compared with it.
  static let environment: [String: String] = {
    var environment = ProcessInfo.processInfo.environment
    environment["EIGENTONE_CACHE"] = cache.path
    environment["HF_HUB_CACHE"] = cache.path + "/no-hub"
    environment["HF_HOME"] = cache.path + "/no-hf"
    environment["HOME"] = cache.path
    return environment
  }()

  /// Writes the extra models once.
  static let modelFolder: String = {
    let tiny = SyntheticModels.gpt2(layers: 2)
    try? SafetensorsWriter(entries: tiny.entries, metadata: ["format": "pt"]).write(to: models.file("tiny-gpt2/model.safetensors"))
    models.write("tiny-gpt2/config.json", text: tiny.config)
    models.write("notes.txt", text: "not a model")
    if let minilm = try? ModelResolver(environment: [:]).openPath(Repository.miniLM) {
      try? Converter.convert(minilm, to: .f16, path: models.file("minilm-f16/model.safetensors"))
      try? FileManager.default.copyItem(atPath: Repository.miniLM + "/config.json", toPath: models.file("minilm-f16/config.json"))
    }
    return models.path
  }()

  /// Starts a server with these extra arguments (`--jobs 1`, `--queue 4`, ...).
  static func start(_ arguments: [String] = [], output: String = output.path) throws -> ServeProcess {
    try ServeProcess(["--models", modelFolder, "--output", output, "--corpus-size", "24"] + arguments, environment: environment)
  }

  /// The shared server (two jobs at once).
  static let server: Result<ServeProcess, any Error> = Result { try start() }

  static func shared() throws -> ServeProcess { try server.get() }
}
