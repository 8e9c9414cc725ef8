import Analysis
import AtomicFile
public import Checkpoint
import Foundation
public import Inference
public import Tokenizer

extension ActivationMap {
  /// Where maps are cached: beside the portraits (`…/eigentone/activations/`), keyed by the
  /// model's identity (the portrait key: paths, sizes, modification times, headers) and the
  /// corpus (its FNV-1a hash).
  public static func cachePath(for checkpoint: Checkpoint, corpus: [String], environment: [String: String]) -> String {
    let portraits = PortraitCache.standard(environment: environment).directory
    let base = (portraits as NSString).deletingLastPathComponent + "/activations"
    let model = PortraitCache.key(for: checkpoint, options: AnalysisOptions())
    let corpusKey = String(Corpus.hash(corpus.joined(separator: "\n")), radix: 16)
    return base + "/\(model)-\(corpusKey)-v\(schemaVersion).json"
  }

  /// The cached map at `path`, or nil.
  public static func load(_ path: String) -> ActivationMap? {
    guard let data = FileManager.default.contents(atPath: path), let map = try? JSONDecoder().decode(ActivationMap.self, from: data),
      map.schemaVersion == schemaVersion
    else { return nil }
    return map
  }

  /// Saves the map atomically.
  public func store(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try AtomicFile.write(Array(try encoder.encode(self)), to: path)
  }

  /// The map of `checkpoint` fitted on `corpus`: from the on-disk cache, or fitted now (the
  /// model is asked for only then) and stored. The one load-or-fit that `sonify` and the
  /// studio share.
  public static func cachedOrFitted(
    for checkpoint: Checkpoint, corpus: [String], environment: [String: String], model: () throws -> LanguageModel,
    tokenizer: BytePairTokenizer, progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> ActivationMap {
    let path = cachePath(for: checkpoint, corpus: corpus, environment: environment)
    if let cached = load(path) { return cached }
    let map = try fit(model: try model(), tokenizer: tokenizer, corpus: corpus, progress: progress)
    try map.store(path)
    return map
  }
}
