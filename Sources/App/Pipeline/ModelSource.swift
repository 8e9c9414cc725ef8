public import Analysis
public import Checkpoint
public import Compose
public import Inference
public import Sonify
public import Tokenizer

/// Where a request gets its models and what is derived from them (portraits, forward passes,
/// tokenizers, activation maps). The command line opens any path it is given
/// (``DirectModels``); the studio only models in its catalogue, each loaded once and kept
/// (``Workbench``). Requests never open files themselves, so both front ends run the same code
/// on the same data.
public protocol ModelSource: Sendable {
  /// The process environment (cache folders, `EIGENTONE_*` variables).
  var environment: [String: String] { get }
  /// Where genre presets are found.
  var presets: PresetLibrary { get }
  /// The soundfont for the FluidSynth renderer (nil: the standard search).
  var soundfont: String? { get }
  /// Throws when `model` cannot be named here (the studio lists its models; the command line
  /// resolves paths when the model is opened).
  func check(_ model: String) throws(PipelineError)
  /// Throws when `model` cannot run a forward pass.
  func checkRunnable(_ model: String) throws(PipelineError)
  /// The model's checkpoint (headers only; tensors stay in the memory map).
  func checkpoint(_ model: String) throws -> Checkpoint
  /// The model's portrait: cached, or built now with progress (tensors done, in all, name).
  func portrait(
    _ model: String, options: AnalysisOptions, useCache: Bool, progress: (@Sendable (Int, Int, String) -> Void)?
  ) throws -> Portrait
  /// Whether the portrait is ready without an analysis.
  func hasPortrait(_ model: String, options: AnalysisOptions) -> Bool
  /// The model with its weights decoded to f32 once (for many passes).
  func languageModel(_ model: String) throws -> LanguageModel
  /// The model's tokenizer (GPT-2 checkpoints without one use the bundled GPT-2 files).
  func tokenizer(_ model: String) throws -> BytePairTokenizer
  /// The activation map fitted on `corpus`: cached, or fitted now with progress.
  func activationMap(_ model: String, corpus: [String], progress: @escaping @Sendable (Int, Int) -> Void) throws -> ActivationMap
  /// A contrast direction measured from two prompt sets (`key` names the model, the sets and
  /// the template): kept by the studio for its next album, measured each time on the command
  /// line (which writes it to a file with `eigentone direction` instead).
  func direction(_ key: String, measure: () throws -> DirectionFile) throws -> DirectionFile
}

extension DirectModels {
  public func direction(_ key: String, measure: () throws -> DirectionFile) throws -> DirectionFile { try measure() }
}

/// The command line's models: whatever `MODEL` resolves to (a path, a folder under `models/`,
/// a Hugging Face cache entry), opened for this one command.
public struct DirectModels: ModelSource {
  public let environment: [String: String]
  public let resolver: ModelResolver
  public let presets: PresetLibrary
  public let soundfont: String?

  public init(environment: [String: String], soundfont: String? = nil) {
    self.environment = environment
    self.resolver = ModelResolver.standard(environment: environment)
    self.presets = PresetLibrary.standard(environment: environment)
    self.soundfont = soundfont
  }

  public func check(_ model: String) throws(PipelineError) {}

  public func checkRunnable(_ model: String) throws(PipelineError) {}

  public func checkpoint(_ model: String) throws -> Checkpoint { try resolver.open(model) }

  public func portrait(
    _ model: String, options: AnalysisOptions, useCache: Bool, progress: (@Sendable (Int, Int, String) -> Void)?
  ) throws -> Portrait {
    Portraits.portrait(for: try checkpoint(model), options: options, useCache: useCache, environment: environment, progress: progress)
  }

  public func hasPortrait(_ model: String, options: AnalysisOptions) -> Bool {
    guard let checkpoint = try? checkpoint(model) else { return false }
    return Portraits.isCached(checkpoint, options: options, environment: environment)
  }

  public func languageModel(_ model: String) throws -> LanguageModel { try LanguageModel(checkpoint: try checkpoint(model)).preloaded() }

  public func tokenizer(_ model: String) throws -> BytePairTokenizer { try BytePairTokenizer.forModel(try checkpoint(model), resolver: resolver) }

  public func activationMap(_ model: String, corpus: [String], progress: @escaping @Sendable (Int, Int) -> Void) throws -> ActivationMap {
    try ActivationMap.cachedOrFitted(
      for: try checkpoint(model), corpus: corpus, environment: environment, model: { try languageModel(model) }, tokenizer: try tokenizer(model),
      progress: progress)
  }
}
