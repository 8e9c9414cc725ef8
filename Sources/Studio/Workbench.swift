public import Analysis
public import Checkpoint
import Foundation
public import Inference
public import Sonify
public import Tokenizer

/// What the studio loads once and reuses across requests: the model catalogue, opened
/// checkpoints, portraits, language models (weights decoded to f32 once) with their
/// tokenizers, and activation maps. Safe to use from many threads at once.
public final class Workbench: Sendable {
  public let environment: [String: String]
  public let resolver: ModelResolver
  public let catalog: ModelCatalog
  /// Reference sentences the activation maps are fitted on (WordNet's examples), 8…5000.
  /// Fewer fit faster and place notes less reliably; 1000 is what `sonify` uses.
  public let corpusSize: Int
  /// The soundfont for the FluidSynth renderer (nil: the standard search).
  public let soundfont: String?

  private let checkpoints = KeyedCache<Checkpoint>()
  private let portraits = KeyedCache<Portrait>()
  private let languageModels = KeyedCache<LanguageModel>()
  private let tokenizers = KeyedCache<BytePairTokenizer>()
  private let maps = KeyedCache<ActivationMap>()

  public init(environment: [String: String], modelDirectories: [String] = [], corpusSize: Int = 1000, soundfont: String? = nil) {
    var resolver = ModelResolver.standard(environment: environment)
    resolver.modelDirectories = modelDirectories + resolver.modelDirectories.filter { !modelDirectories.contains($0) }
    self.environment = environment
    self.resolver = resolver
    self.catalog = ModelCatalog(resolver: resolver)
    self.corpusSize = min(5000, max(8, corpusSize))
    self.soundfont = soundfont
  }

  /// The checkpoint of a listed model (headers only; tensors stay in the memory map).
  public func checkpoint(_ id: String) throws -> Checkpoint {
    let entry = try catalog.entry(id)
    return try checkpoints.value(id) { try resolver.openPath(entry.location) }
  }

  /// The model's portrait: from memory, the on-disk cache, or built now.
  public func portrait(_ id: String, progress: (@Sendable (Int, Int, String) -> Void)? = nil) throws -> Portrait {
    let checkpoint = try checkpoint(id)
    return try portraits.value(id) { Portraits.portrait(for: checkpoint, environment: environment, progress: progress) }
  }

  /// Whether the portrait is already in memory (no analysis needed).
  public func hasPortrait(_ id: String) -> Bool { portraits.cached(id) != nil }

  /// The language model with its weights decoded to f32 (about 4 bytes per parameter).
  public func languageModel(_ id: String) throws -> LanguageModel {
    let checkpoint = try checkpoint(id)
    return try languageModels.value(id) { try LanguageModel(checkpoint: checkpoint).preloaded() }
  }

  /// The model's tokenizer (GPT-2 checkpoints without one use the bundled GPT-2 files).
  public func tokenizer(_ id: String) throws -> BytePairTokenizer {
    let checkpoint = try checkpoint(id)
    return try tokenizers.value(id) { try Self.tokenizer(for: checkpoint, resolver: resolver) }
  }

  /// The activation map: from memory, the on-disk cache, or fitted now on the reference corpus.
  public func activationMap(_ id: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> ActivationMap {
    let checkpoint = try checkpoint(id)
    return try maps.value(id) {
      let corpus = try Corpus.wordNet(count: corpusSize)
      let path = ActivationMap.cachePath(for: checkpoint, corpus: corpus, environment: environment)
      if let cached = ActivationMap.load(path) { return cached }
      let map = try ActivationMap.fit(model: try languageModel(id), tokenizer: try tokenizer(id), corpus: corpus, progress: progress)
      try map.store(path)
      return map
    }
  }

  /// A checkpoint's tokenizer; GPT-2 checkpoints without one use the `gpt2-tokenizer` folder
  /// under a models directory (installed by `scripts/bootstrap`).
  public static func tokenizer(for checkpoint: Checkpoint, resolver: ModelResolver) throws -> BytePairTokenizer {
    let fallback = resolver.searchDirectories.map { $0 + "/gpt2-tokenizer" }.first { FileManager.default.fileExists(atPath: $0 + "/encoder.json") }
    return try BytePairTokenizer.forModel(checkpoint, gpt2Fallback: fallback)
  }
}
