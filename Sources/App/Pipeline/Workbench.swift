public import Analysis
public import Checkpoint
public import Compose
import Foundation
public import Inference
public import Sonify
public import Tokenizer

/// The studio's models: only those in its catalogue, each loaded once and reused across
/// requests (opened checkpoints, portraits, language models with their weights decoded to f32,
/// tokenizers and activation maps). Safe to use from many threads at once.
public final class Workbench: ModelSource {
  public let environment: [String: String]
  public let resolver: ModelResolver
  public let catalog: ModelCatalog
  public let presets: PresetLibrary
  /// Reference sentences the activation maps are fitted on (WordNet's examples), in
  /// ``Limits/corpusSize``.
  public let corpusSize: Int
  public let soundfont: String?

  private let checkpoints = KeyedCache<Checkpoint>()
  private let portraits = KeyedCache<Portrait>()
  private let languageModels = KeyedCache<LanguageModel>()
  private let tokenizers = KeyedCache<BytePairTokenizer>()
  private let maps = KeyedCache<ActivationMap>()
  private let directions = KeyedCache<DirectionFile>()

  public init(environment: [String: String], modelDirectories: [String] = [], corpusSize: Int = Limits.defaultCorpusSize, soundfont: String? = nil) {
    var resolver = ModelResolver.standard(environment: environment)
    resolver.modelDirectories = modelDirectories + resolver.modelDirectories.filter { !modelDirectories.contains($0) }
    self.environment = environment
    self.resolver = resolver
    self.catalog = ModelCatalog(resolver: resolver)
    self.presets = PresetLibrary.standard(environment: environment)
    self.corpusSize = min(Limits.corpusSize.upperBound, max(Limits.corpusSize.lowerBound, corpusSize))
    self.soundfont = soundfont
  }

  public func check(_ model: String) throws(PipelineError) { _ = try catalog.entry(model) }

  public func checkRunnable(_ model: String) throws(PipelineError) {
    let entry = try catalog.entry(model)
    guard entry.canSonify else { throw .badRequest("\(model) is a \(entry.family) model; sonify runs decoders (Llama family, GPT-2, Gemma 3)") }
  }

  public func checkpoint(_ model: String) throws -> Checkpoint {
    let entry = try catalog.entry(model)
    return try checkpoints.value(model) { try resolver.openPath(entry.location) }
  }

  public func portrait(
    _ model: String, options: AnalysisOptions = AnalysisOptions(), useCache: Bool = true, progress: (@Sendable (Int, Int, String) -> Void)? = nil
  ) throws -> Portrait {
    let checkpoint = try checkpoint(model)
    guard useCache else { return Portraits.portrait(for: checkpoint, options: options, useCache: false, environment: environment, progress: progress) }
    return try portraits.value(model + "|" + PortraitCache.key(for: checkpoint, options: options)) {
      Portraits.portrait(for: checkpoint, options: options, environment: environment, progress: progress)
    }
  }

  public func hasPortrait(_ model: String, options: AnalysisOptions = AnalysisOptions()) -> Bool {
    guard let checkpoint = try? checkpoint(model) else { return false }
    return portraits.cached(model + "|" + PortraitCache.key(for: checkpoint, options: options)) != nil
  }

  public func direction(_ key: String, measure: () throws -> DirectionFile) throws -> DirectionFile { try directions.value(key, compute: measure) }

  public func languageModel(_ model: String) throws -> LanguageModel {
    let checkpoint = try checkpoint(model)
    return try languageModels.value(model) { try LanguageModel(checkpoint: checkpoint).preloaded() }
  }

  public func tokenizer(_ model: String) throws -> BytePairTokenizer {
    let checkpoint = try checkpoint(model)
    return try tokenizers.value(model) { try BytePairTokenizer.forModel(checkpoint, resolver: resolver) }
  }

  public func activationMap(_ model: String, corpus: [String], progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> ActivationMap {
    let checkpoint = try checkpoint(model)
    return try maps.value(ActivationMap.cachePath(for: checkpoint, corpus: corpus, environment: environment)) {
      try ActivationMap.cachedOrFitted(
        for: checkpoint, corpus: corpus, environment: environment, model: { try languageModel(model) }, tokenizer: try tokenizer(model), progress: progress)
    }
  }
}
