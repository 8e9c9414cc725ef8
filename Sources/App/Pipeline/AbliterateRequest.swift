import AtomicFile
import Checkpoint
public import Compare
import Foundation
import Inference
import Tokenizer

/// `eigentone abliterate MODEL --direction DIR.safetensors [--layer L] -o OUT`: a copy of the
/// model with a contrast direction orthogonalised out of every matrix that writes to the
/// residual stream (``Compare/Abliteration``), as a Hugging Face folder (`model.safetensors`,
/// `config.json`, `tokenizer.json` or, for a SentencePiece-style vocabulary (Gemma 3), a
/// metadata-only `tokenizer.gguf`, and `tokenizer_config.json`) that `transformers` and every
/// Eigentone command load. Then it measures what changed: the mean next-token KL divergence
/// (base ‖ abliterated) after the template on `checks` harmless prompts, and the answer to
/// "The capital of France is".
public struct AbliterateRequest: PipelineRequest {
  public static let kind = "abliterate"

  public var model: String
  public var direction: String
  /// The direction layer whose r̂ is removed (default: the file's chosen layer).
  public var layer: Int?
  public var output: String
  /// Harmless prompts to measure the KL divergence on.
  public var checks: [String]
  public var json: String?

  public init(model: String, direction: String, layer: Int? = nil, output: String, checks: [String], json: String? = nil) {
    self.model = model
    self.direction = direction
    self.layer = layer
    self.output = output
    self.checks = checks
    self.json = json
  }

  /// What `--json` writes.
  public struct Report: Sendable, Codable {
    public var model: String
    public var output: String
    public var layer: Int
    public var edited: [String]
    public var meanKL: Double
    public var largestKL: Double
    public var prompts: Int
    public var paris: [String: Double]

    enum CodingKeys: String, CodingKey {
      case model, output, layer, edited, prompts, paris
      case meanKL = "mean_kl"
      case largestKL = "largest_kl"
    }
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.checkRunnable(model)
    guard FileManager.default.fileExists(atPath: direction) else { throw .badRequest("no direction file \(direction)") }
    if let layer, layer < 0 { throw .badRequest("--layer must be ≥ 0") }
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
      throw .badRequest("\(output) is a file; abliterate writes a folder")
    }
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try progress.stage("loading \(model)", at: 0)
    let checkpoint = try models.checkpoint(model)
    let base = try models.languageModel(model)
    let tokenizer = try models.tokenizer(model)
    let file = try DirectionFile.read(direction, hiddenSize: base.hiddenSize, layers: base.layers)
    let chosen = layer ?? file.chosenLayer
    guard file.directions.indices.contains(chosen) else { throw PipelineError.badRequest("--layer \(chosen) is not in 0..<\(file.directions.count)") }
    let r = file.directions[chosen]
    let family: Abliteration.Family
    let plans: [Abliteration.Plan]
    do { (family, plans) = try Abliteration.plan(checkpoint, heads: base.heads, keyValueHeads: base.keyValueHeads, hiddenSize: base.hiddenSize) } catch {
      throw PipelineError.badRequest("\(model): \(error.description)")
    }
    do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
      throw PipelineError.failed("cannot create \(output): \(error.localizedDescription)")
    }
    // The tokenizer and chat template travel with the weights.
    try progress.stage("writing the tokenizer", at: 0.02)
    let sourceFolder = (checkpoint.location as NSString).deletingLastPathComponent
    let jinja = checkpoint.metadata["tokenizer.chat_template"]?.stringValue
    let gguf = checkpoint.format == .gguf
    if !gguf, let name = ["tokenizer.gguf", "tokenizer.json"].first(where: { FileManager.default.fileExists(atPath: sourceFolder + "/" + $0) }) {
      try AtomicFile.write(Array(try Data(contentsOf: URL(fileURLWithPath: sourceFolder + "/" + name))), to: output + "/" + name)
    } else if checkpoint.metadata["tokenizer.ggml.model"]?.stringValue == "llama" {
      // SentencePiece-style (Gemma): tokenizer.json has no field for the scores it merges by,
      // so the vocabulary travels as a metadata-only GGUF file (transformers reads it with
      // gguf_file="tokenizer.gguf").
      var kept = checkpoint.metadata.filter { $0.key.hasPrefix("tokenizer.") }
      kept["general.architecture"] = checkpoint.metadata["general.architecture"]
      try GGUFMetadataWriter.write(kept, to: output + "/tokenizer.gguf")
    } else {
      let merges = (checkpoint.metadata["tokenizer.ggml.merges"]?.arrayValue ?? []).compactMap(\.stringValue)
      try AtomicFile.write(try tokenizer.huggingFaceJSON(merges: merges), to: output + "/tokenizer.json")
    }
    func token(_ key: String) -> String? { checkpoint.metadata["tokenizer.ggml.\(key)_token_id"]?.intValue.map { tokenizer.text(of: $0) } }
    var tokenizerConfig: [String: Any] = ["tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": tokenizer.beginningOfText != nil, "clean_up_tokenization_spaces": false]
    if let jinja { tokenizerConfig["chat_template"] = jinja }
    if let bos = token("bos") { tokenizerConfig["bos_token"] = bos }
    if let eos = token("eos") { tokenizerConfig["eos_token"] = eos }
    try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: tokenizerConfig, options: [.sortedKeys, .prettyPrinted])), to: output + "/tokenizer_config.json")
    let configuration = family == .gemma3 ? gemmaConfig(base, checkpoint) : config(base, checkpoint)
    try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys, .prettyPrinted])), to: output + "/config.json")
    // The weights, one tensor at a time.
    try progress.stage("orthogonalising", at: 0.05)
    var metadata = ["format": "pt", "eigentone.abliterated_from": checkpoint.location, "eigentone.direction": direction, "eigentone.direction_layer": "\(chosen)"]
    if let jinja { metadata["tokenizer.chat_template"] = jinja }
    if family == .gemma3 { metadata["general.architecture"] = "gemma3" }
    let sizes = plans.map { SafetensorsWriter.Plan(name: $0.name, dtype: .f32, shape: $0.shape, byteCount: $0.shape.reduce(1, *) * 4) }
    try SafetensorsWriter.stream(sizes, metadata: metadata, to: output + "/model.safetensors") { i in
      let plan = plans[i]
      guard let t = checkpoint.tensor(named: plan.source) else { throw PipelineError.failed("\(plan.source) vanished") }
      var values = try checkpoint.decode(t)
      if let heads = plan.unpermuteHeads { values = Abliteration.unpermute(values, shape: plan.shape, heads: heads) }
      if plan.shift != 0 { values = values.map { $0 + plan.shift } }
      var gains: [Float]?
      if let g = plan.gains {
        guard let n = checkpoint.tensor(named: g.norm) else { throw PipelineError.failed("\(model) has no \(g.norm) for \(plan.source)") }
        gains = try checkpoint.decode(n).map { $0 + g.offset }
      }
      Abliteration.apply(plan.edit, to: &values, shape: plan.shape, along: Abliteration.direction(r, gains: gains))
      progress.update(i + 1, of: plans.count, from: 0.05, to: 0.6, item: plan.name)
      return Converter.encode(values, as: .f32)
    }
    // What changed.
    try progress.stage("measuring the change", at: 0.6)
    let abliterated = try LanguageModel(checkpoint: try Checkpoint.openSafetensors(at: output + "/model.safetensors", config: try configJSON())).preloaded()
    let template = ChatTemplate.of(checkpoint)
    var kls: [Double] = []
    for (k, text) in checks.enumerated() {
      let ids = try TemplatedPrompt(text, template: template, tokenizer: tokenizer).ids
      kls.append(Self.divergence(try base.forward(ids).probabilities, try abliterated.forward(ids).probabilities))
      progress.update(k + 1, of: checks.count, from: 0.6, to: 0.95, item: String(text.prefix(40)))
    }
    let paris = try abliterated.forward(tokenizer.encode("The capital of France is")).top(3)
    let parisTop = paris.map { (tokenizer.text(of: $0.token), $0.probability) }
    let edited = plans.filter { $0.edit != .copy }.map(\.name)
    let meanKL = kls.reduce(0, +) / Double(max(1, kls.count))
    if let json {
      let report = Report(
        model: checkpoint.location, output: output, layer: chosen, edited: edited, meanKL: meanKL, largestKL: kls.max() ?? 0, prompts: kls.count,
        paris: Dictionary(parisTop, uniquingKeysWith: { a, _ in a }))
      try ScoreWriter.writeJSON(report, to: json, pretty: true)
    }
    var files = ["model": output + "/model.safetensors", "config": output + "/config.json", "tokenizer": output + "/tokenizer.json"]
    if let json { files["json"] = json }
    return PipelineResult(
      files: files,
      summary: String(
        format:
          "abliterated along layer %d's direction: %d matrices orthogonalised; next-token KL on %d harmless prompts mean %.4f, largest %.4f nats; \"The capital of France is\" → %@",
        chosen, edited.count, kls.count, meanKL, kls.max() ?? 0, parisTop.map { String(format: "\"%@\" %.3f", $0.0, $0.1) }.joined(separator: ", ")),
      facts: ["layer": "\(chosen)", "mean_kl": String(format: "%.5f", meanKL)])
  }

  /// KL(p ‖ q) in nats.
  static func divergence(_ p: [Double], _ q: [Double]) -> Double {
    zip(p, q).reduce(0) { $1.0 > 0 ? $0 + $1.0 * log($1.0 / max($1.1, 1e-300)) : $0 }
  }

  func configJSON() throws -> JSONValue {
    try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))))
  }

  /// A Hugging Face Gemma 3 (text) config for `lm`.
  func gemmaConfig(_ lm: LanguageModel, _ checkpoint: Checkpoint) -> [String: Any] {
    let m = checkpoint.metadata
    func value(_ key: String) -> JSONValue? { checkpoint.config?[key] }
    let intermediate = checkpoint.tensor(named: "blk.0.ffn_gate.weight")?.shape.first ?? checkpoint.tensor(named: "model.layers.0.mlp.gate_proj.weight")?.shape.first ?? 0
    let global = m["gemma3.rope.freq_base"]?.doubleValue ?? value("rope_parameters")?["full_attention"]?["rope_theta"]?.doubleValue ?? 1_000_000
    let local = m["gemma3.rope.local.freq_base"]?.doubleValue ?? value("rope_parameters")?["sliding_attention"]?["rope_theta"]?.doubleValue ?? 10_000
    let window = m["gemma3.attention.sliding_window"]?.intValue ?? value("sliding_window")?.intValue ?? 512
    var config: [String: Any] = [
      "architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text", "hidden_size": lm.hiddenSize, "intermediate_size": intermediate,
      "num_hidden_layers": lm.layers, "num_attention_heads": lm.heads, "num_key_value_heads": lm.keyValueHeads, "head_dim": lm.headDimension,
      "query_pre_attn_scalar": lm.headDimension, "max_position_embeddings": lm.contextLength, "vocab_size": lm.vocabularySize,
      "tie_word_embeddings": checkpoint.tensor(named: "output.weight") == nil && checkpoint.tensor(named: "lm_head.weight") == nil,
      "hidden_activation": "gelu_pytorch_tanh", "rms_norm_eps": m["gemma3.attention.layer_norm_rms_epsilon"]?.doubleValue ?? value("rms_norm_eps")?.doubleValue ?? 1e-6,
      "sliding_window": window,
      "layer_types": (0..<lm.layers).map { lm.attendsGlobally(layer: $0) ? "full_attention" : "sliding_attention" },
      "rope_parameters": ["full_attention": ["rope_type": "default", "rope_theta": global], "sliding_attention": ["rope_type": "default", "rope_theta": local]],
      "attention_bias": false, "final_logit_softcapping": NSNull(), "attn_logit_softcapping": NSNull(), "torch_dtype": "float32",
    ]
    for (key, name) in [("bos_token_id", "bos"), ("eos_token_id", "eos"), ("pad_token_id", "padding")] {
      if let id = m["tokenizer.ggml.\(name)_token_id"]?.intValue ?? value(key)?.intValue { config[key] = id }
    }
    return config
  }

  /// A Hugging Face Llama config for `lm`.
  func config(_ lm: LanguageModel, _ checkpoint: Checkpoint) -> [String: Any] {
    let m = checkpoint.metadata
    let arch = m["general.architecture"]?.stringValue ?? "llama"
    func value(_ key: String) -> JSONValue? { checkpoint.config?[key] }
    let tied = checkpoint.tensor(named: "output.weight") == nil && checkpoint.tensor(named: "lm_head.weight") == nil
    let intermediate = checkpoint.tensor(named: "blk.0.ffn_gate.weight")?.shape.first ?? checkpoint.tensor(named: "model.layers.0.mlp.gate_proj.weight")?.shape.first ?? 0
    var config: [String: Any] = [
      "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": lm.hiddenSize, "intermediate_size": intermediate,
      "num_hidden_layers": lm.layers, "num_attention_heads": lm.heads, "num_key_value_heads": lm.keyValueHeads, "head_dim": lm.headDimension,
      "max_position_embeddings": lm.contextLength, "vocab_size": lm.vocabularySize, "tie_word_embeddings": tied, "hidden_act": "silu",
      "rms_norm_eps": m["\(arch).attention.layer_norm_rms_epsilon"]?.doubleValue ?? value("rms_norm_eps")?.doubleValue ?? 1e-5,
      "rope_theta": m["\(arch).rope.freq_base"]?.doubleValue ?? value("rope_theta")?.doubleValue ?? 10_000, "attention_bias": false, "mlp_bias": false,
      "torch_dtype": "float32",
    ]
    if let bos = m["tokenizer.ggml.bos_token_id"]?.intValue ?? value("bos_token_id")?.intValue { config["bos_token_id"] = bos }
    if let eos = m["tokenizer.ggml.eos_token_id"]?.intValue ?? value("eos_token_id")?.intValue { config["eos_token_id"] = eos }
    return config
  }
}
