import AtomicFile
public import Checkpoint
import Foundation
public import MusicTokens

/// A trained model on disk: a folder holding `model.safetensors` (Hugging Face GPT-2 names
/// and layouts, F32), `config.json` (`model_type` "gpt2" and GPT-2's keys) and
/// `vocabulary.json` (the event vocabulary: grid, genres, every id's name). Hugging Face
/// `transformers` loads it unchanged (`GPT2LMHeadModel.from_pretrained(folder)`), and so do
/// Eigentone's own inspect, analyze, compose, compare and GPT-2 forward pass.
public enum ModelFolder {
  public static let weightsFile = "model.safetensors"
  public static let configFile = "config.json"
  public static let vocabularyFile = "vocabulary.json"

  /// GPT-2's `config.json` keys for `config`.
  static func configJSON(_ c: GPTConfig) -> String {
    """
    {
      "activation_function": "gelu_new",
      "architectures": ["GPT2LMHeadModel"],
      "attn_pdrop": 0.0,
      "bos_token_id": \(EventVocabulary.bos),
      "embd_pdrop": 0.0,
      "eos_token_id": \(EventVocabulary.eos),
      "initializer_range": 0.02,
      "layer_norm_epsilon": \(GPTConfig.layerNormEpsilon),
      "model_type": "gpt2",
      "n_ctx": \(c.context),
      "n_embd": \(c.width),
      "n_head": \(c.heads),
      "n_inner": null,
      "n_layer": \(c.layers),
      "n_positions": \(c.context),
      "pad_token_id": \(EventVocabulary.pad),
      "resid_pdrop": 0.0,
      "scale_attn_weights": true,
      "summary_activation": null,
      "tie_word_embeddings": true,
      "vocab_size": \(c.vocabulary)
    }

    """
  }

  /// Writes the three files into `folder` (created), each atomically.
  public static func write(parameters: [Float], layout: ParameterLayout, config: GPTConfig, vocabulary: EventVocabulary, to folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try tensors(parameters, layout: layout, prefix: "").write(to: folder + "/" + weightsFile)
    try AtomicFile.write(configJSON(config), to: folder + "/" + configFile)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(Array(try encoder.encode(VocabularyFile(vocabulary))), to: folder + "/" + vocabularyFile)
  }

  /// A safetensors file of `values` in `layout`'s tensors, names after `prefix`.
  static func tensors(_ values: [Float], layout: ParameterLayout, prefix: String) -> SafetensorsWriter {
    var writer = SafetensorsWriter(metadata: ["format": "pt"])
    for t in layout.tensors {
      var bytes = [UInt8](repeating: 0, count: t.count * 4)
      bytes.withUnsafeMutableBytes { raw in
        for i in 0..<t.count { raw.storeBytes(of: values[t.offset + i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
      }
      writer.entries.append(SafetensorsWriter.Entry(name: prefix + t.name, dtype: .f32, shape: t.shape, bytes: bytes))
    }
    return writer
  }

  /// Reads the values of `layout`'s tensors (named after `prefix`) from a safetensors file.
  static func read(_ path: String, layout: ParameterLayout, prefix: String = "") throws -> [Float] {
    let checkpoint = try Checkpoint.openSafetensors(at: path)
    var values = [Float](repeating: 0, count: layout.count)
    for t in layout.tensors {
      guard let info = checkpoint.tensor(named: prefix + t.name) else { throw TrainingError.badModel("\(path): no tensor \(prefix + t.name)") }
      guard info.shape == t.shape else { throw TrainingError.badModel("\(path): \(t.name) has shape \(info.shape), expected \(t.shape)") }
      let decoded = try checkpoint.decode(info)
      for i in 0..<t.count { values[t.offset + i] = decoded[i] }
    }
    return values
  }

  /// A model folder's shape and vocabulary.
  public static func describe(_ folder: String) throws -> (GPTConfig, EventVocabulary) {
    guard let data = FileManager.default.contents(atPath: folder + "/" + configFile),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw TrainingError.badModel("\(folder): no readable \(configFile) (a folder `eigentone train` wrote)") }
    func int(_ key: String) throws -> Int {
      guard let v = json[key] as? Int else { throw TrainingError.badModel("\(folder)/\(configFile): no \(key)") }
      return v
    }
    guard json["model_type"] as? String == "gpt2" else { throw TrainingError.badModel("\(folder)/\(configFile): model_type is not gpt2") }
    let config = GPTConfig(layers: try int("n_layer"), width: try int("n_embd"), heads: try int("n_head"), context: try int("n_positions"), vocabulary: try int("vocab_size"))
    if let problem = config.problem { throw TrainingError.badModel("\(folder): \(problem)") }
    guard let vdata = FileManager.default.contents(atPath: folder + "/" + vocabularyFile),
      let v = try? JSONDecoder().decode(VocabularyFile.self, from: vdata)
    else { throw TrainingError.badModel("\(folder): no readable \(vocabularyFile)") }
    let vocabulary = v.vocabulary
    guard vocabulary.size == config.vocabulary else {
      throw TrainingError.badModel("\(folder): vocabulary.json has \(vocabulary.size) tokens, config.json \(config.vocabulary)")
    }
    return (config, vocabulary)
  }

  /// Loads a model folder for inference, with room for `batch` windows.
  public static func load(_ folder: String, batch: Int = 1) throws -> (GPT<Float>, EventVocabulary) {
    let (config, vocabulary) = try describe(folder)
    let model = GPT<Float>(config: config, maxBatch: batch)
    model.parameters = try read(folder + "/" + weightsFile, layout: model.layout)
    return (model, vocabulary)
  }
}

/// Why training, sampling or evaluating cannot go on.
public enum TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
  case badModel(String)
  case badData(String)
  case badSettings(String)

  public var description: String {
    switch self {
    case .badModel(let s), .badData(let s), .badSettings(let s): s
    }
  }
}
