import Checkpoint

extension Anatomy {
  /// Reads hyperparameters from `config.json` (Hugging Face key names, GPT-2's included) or
  /// from GGUF metadata (`{arch}.block_count`, ...).
  static func hyperparameters(checkpoint: Checkpoint, architecture: String, layerIndices: [Int]) -> Hyperparameters {
    let inferredLayers = (layerIndices.max() ?? -1) + 1
    if let config = checkpoint.config {
      // Multimodal configs nest the language model under `text_config`.
      let c = config["text_config"].flatMap { $0.objectValue == nil ? nil : $0 } ?? config
      func int(_ keys: String...) -> Int? {
        for k in keys { if let v = c[k]?.intValue { return v } }
        return nil
      }
      let hidden = int("hidden_size", "n_embd", "d_model", "dim")
      let heads = int("num_attention_heads", "n_head", "n_heads")
      return Hyperparameters(
        layerCount: int("num_hidden_layers", "n_layer", "num_layers", "n_layers") ?? inferredLayers,
        hiddenSize: hidden,
        headCount: heads,
        keyValueHeadCount: int("num_key_value_heads", "n_kv_heads", "multi_query_group_num") ?? heads,
        headDimension: int("head_dim") ?? zip2(hidden, heads).map { $0 / $1 },
        intermediateSize: int("intermediate_size", "n_inner", "ffn_dim"),
        vocabularySize: int("vocab_size", "n_vocab"),
        contextLength: int("max_position_embeddings", "n_positions", "n_ctx", "seq_length"))
    }
    if checkpoint.format == .gguf {
      let arch = checkpoint.metadata["general.architecture"]?.stringValue ?? architecture
      func int(_ key: String) -> Int? { checkpoint.metadata["\(arch).\(key)"]?.intValue }
      let hidden = int("embedding_length")
      let heads = int("attention.head_count")
      let vocab = int("vocab_size") ?? checkpoint.metadata["tokenizer.ggml.tokens"]?.arrayValue?.count
      return Hyperparameters(
        layerCount: int("block_count") ?? inferredLayers,
        hiddenSize: hidden,
        headCount: heads,
        keyValueHeadCount: int("attention.head_count_kv") ?? heads,
        headDimension: int("attention.key_length") ?? zip2(hidden, heads).map { $0 / $1 },
        intermediateSize: int("feed_forward_length"),
        vocabularySize: vocab,
        contextLength: int("context_length"))
    }
    return Hyperparameters(layerCount: inferredLayers)
  }

  /// Fills what configuration did not say from tensor shapes.
  static func inferMissing(_ hp: inout Hyperparameters, checkpoint: Checkpoint, assignments: [TensorAssignment]) {
    func shape(_ role: Role) -> [Int]? {
      assignments.first { $0.role == role && $0.parameter == .weight }
        .flatMap { checkpoint.tensor(named: $0.tensor)?.shape }
    }
    if let embedding = shape(.embedToken), embedding.count == 2 {
      if hp.hiddenSize == nil { hp.hiddenSize = embedding[1] }
      if hp.vocabularySize == nil { hp.vocabularySize = embedding[0] }
    }
    if hp.intermediateSize == nil, let up = assignments.first(where: { $0.role == .mlpUp && $0.parameter == .weight }),
      let s = checkpoint.tensor(named: up.tensor)?.shape, s.count == 2
    {
      hp.intermediateSize = up.layout == .inOut ? s[1] : s[0]
    }
    if hp.headDimension == nil, let qNorm = shape(.normQuery), qNorm.count == 1 { hp.headDimension = qNorm[0] }
    if hp.headCount == nil, let d = hp.headDimension, d > 0, let q = shape(.attentionQuery), q.count == 2 {
      hp.headCount = q[0] / d
      if hp.keyValueHeadCount == nil, let k = shape(.attentionKey), k.count == 2 { hp.keyValueHeadCount = k[0] / d }
    }
  }
}

private func zip2(_ a: Int?, _ b: Int?) -> (Int, Int)? {
  guard let a, let b, b > 0 else { return nil }
  return (a, b)
}
