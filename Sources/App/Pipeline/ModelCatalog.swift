import Anatomy
import Inference
public import Checkpoint
import Foundation

/// The models the studio can see: every weights file or folder under the models directories
/// (`$EIGENTONE_MODELS`, `--models`, `models/`), and every repo in the local Hugging Face
/// cache. Requests may name only these, so no request can open a path of its own.
public struct ModelCatalog: Sendable {
  public var models: [ModelEntry]

  /// Looks through `resolver`'s folders and caches, opening each candidate's headers; what
  /// does not open as a checkpoint (a tokenizer folder, a README) is left out.
  public init(resolver: ModelResolver) {
    var seen = Set<String>()
    var found: [ModelEntry] = []
    let fm = FileManager.default
    func add(_ id: String, source: String, open: () throws -> Checkpoint) {
      guard !seen.contains(id), let checkpoint = try? open() else { return }
      seen.insert(id)
      found.append(Self.entry(id: id, checkpoint: checkpoint, source: source))
    }
    for dir in resolver.searchDirectories {
      let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
      for name in names where !name.hasSuffix(".md") {
        let path = URL(fileURLWithPath: dir).appendingPathComponent(name).standardizedFileURL.path
        add(name, source: "models") { try resolver.openPath(path) }
      }
    }
    for cache in resolver.huggingFaceCaches {
      let repos = ((try? fm.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.hasPrefix("models--") }.sorted()
      for repo in repos {
        let parts = repo.dropFirst("models--".count).components(separatedBy: "--")
        guard parts.count == 2 else { continue }
        add(parts[0] + "/" + parts[1], source: "huggingface") { try resolver.open(parts[0] + "/" + parts[1]) }
      }
    }
    models = found
  }

  /// The entry named `id`.
  public func entry(_ id: String) throws(PipelineError) -> ModelEntry {
    guard let e = models.first(where: { $0.id == id }) else { throw .unknownModel(String(id.prefix(200))) }
    return e
  }

  static func entry(id: String, checkpoint: Checkpoint, source: String) -> ModelEntry {
    let anatomy = Anatomy(checkpoint: checkpoint)
    return ModelEntry(
      id: id, location: checkpoint.location, format: checkpoint.format == .gguf ? "gguf" : "safetensors",
      architecture: anatomy.architecture, family: anatomy.family.rawValue, parameters: checkpoint.elementCount,
      bytes: checkpoint.byteCount, source: source, canSonify: (try? LanguageModel(checkpoint: checkpoint)) != nil)
  }
}
