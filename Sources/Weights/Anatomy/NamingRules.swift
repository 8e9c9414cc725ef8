/// Suffix rules that map raw tensor names to roles, for every naming scheme Eigentone knows:
/// Hugging Face GPT-2, Llama/Mistral/Qwen/SmolLM, Gemma 1/2/3, Phi-3 and BERT, Meta's original
/// Llama names, and GGUF (`blk.N.attn_q`, `token_embd`, ...). Rules match the end of the
/// module path, so any prefix (`model.`, `transformer.`, `bert.`, `language_model.`) works.
enum NamingRules {
  /// A rule: the module path ends with `suffix` (dot-separated components).
  struct Rule {
    var suffix: [Substring]
    var role: Role
    var layout: Layout

    init(_ suffix: String, _ role: Role, _ layout: Layout = .outIn) {
      self.suffix = suffix.split(separator: ".")
      self.role = role
      self.layout = layout
    }
  }

  /// Components that introduce a block index: `h.3`, `layers.3`, `layer.3`, `blk.3`, `blocks.3`.
  static let layerContainers: Set<Substring> = ["h", "layers", "layer", "blk", "blocks", "block"]

  /// Rules for modules inside a block. Order matters only where one suffix ends another
  /// (longer first).
  static func layerRules(family: Family, isGGUF: Bool) -> [Rule] {
    // Llama's `post_attention_layernorm` is the pre-MLP norm; Gemma 2/3 put a real norm on
    // the attention output under that name (and have a separate `pre_feedforward_layernorm`).
    let postAttention: Role = family == .gemma ? .normPostAttention : .normPreFeedforward
    var rules: [Rule] = [
      // GPT-2 (Conv1D stores [in, out]).
      Rule("attn.c_attn", .attentionQKV, isGGUF ? .outIn : .inOut),
      Rule("attn.c_proj", .attentionOutput, isGGUF ? .outIn : .inOut),
      Rule("mlp.c_fc", .mlpUp, isGGUF ? .outIn : .inOut),
      Rule("mlp.c_proj", .mlpDown, isGGUF ? .outIn : .inOut),
      Rule("ln_1", .normInput, .vector),
      Rule("ln_2", .normPreFeedforward, .vector),
      // BERT (post-LN).
      Rule("attention.self.query", .attentionQuery),
      Rule("attention.self.key", .attentionKey),
      Rule("attention.self.value", .attentionValue),
      Rule("attention.output.dense", .attentionOutput),
      Rule("attention.output.LayerNorm", .normPostAttention, .vector),
      Rule("intermediate.dense", .mlpUp),
      Rule("output.dense", .mlpDown),
      Rule("output.LayerNorm", .normPostFeedforward, .vector),
      // Hugging Face Llama / Mistral / Qwen / Gemma / Phi-3.
      Rule("q_proj", .attentionQuery),
      Rule("k_proj", .attentionKey),
      Rule("v_proj", .attentionValue),
      Rule("o_proj", .attentionOutput),
      Rule("qkv_proj", .attentionQKV),
      Rule("self_attn.dense", .attentionOutput),
      Rule("gate_proj", .mlpGate),
      Rule("up_proj", .mlpUp),
      Rule("down_proj", .mlpDown),
      Rule("gate_up_proj", .mlpGateUp),
      Rule("input_layernorm", .normInput, .vector),
      Rule("post_attention_layernorm", postAttention, .vector),
      Rule("pre_feedforward_layernorm", .normPreFeedforward, .vector),
      Rule("post_feedforward_layernorm", .normPostFeedforward, .vector),
      Rule("q_norm", .normQuery, .vector),
      Rule("k_norm", .normKey, .vector),
      // Meta's original Llama names.
      Rule("attention.wq", .attentionQuery),
      Rule("attention.wk", .attentionKey),
      Rule("attention.wv", .attentionValue),
      Rule("attention.wo", .attentionOutput),
      Rule("feed_forward.w1", .mlpGate),
      Rule("feed_forward.w2", .mlpDown),
      Rule("feed_forward.w3", .mlpUp),
      Rule("attention_norm", .normInput, .vector),
      Rule("ffn_norm", .normPreFeedforward, .vector),
      // GGUF (llama.cpp names; matrices already [out, in] after axis reversal).
      Rule("attn_q", .attentionQuery),
      Rule("attn_k", .attentionKey),
      Rule("attn_v", .attentionValue),
      Rule("attn_qkv", .attentionQKV),
      Rule("attn_output", .attentionOutput),
      Rule("ffn_gate", .mlpGate),
      Rule("ffn_up", .mlpUp),
      Rule("ffn_down", .mlpDown),
      Rule("attn_norm", .normInput, .vector),
      Rule("post_attention_norm", .normPostAttention, .vector),
      Rule("post_ffw_norm", .normPostFeedforward, .vector),
      Rule("attn_q_norm", .normQuery, .vector),
      Rule("attn_k_norm", .normKey, .vector),
      Rule("attn_output_norm", .normPostAttention, .vector),
      Rule("layer_output_norm", .normPostFeedforward, .vector),
      // Buffers.
      Rule("rotary_emb.inv_freq", .buffer, .other),
      Rule("attn.masked_bias", .buffer, .other),
    ]
    rules.sort { $0.suffix.count > $1.suffix.count }
    return rules
  }

  /// Rules for model-level tensors (outside any block).
  static let globalRules: [Rule] = [
    Rule("embeddings.word_embeddings", .embedToken, .embedding),
    Rule("embeddings.position_embeddings", .embedPosition, .embedding),
    Rule("embeddings.token_type_embeddings", .embedTokenType, .embedding),
    Rule("embeddings.LayerNorm", .normEmbedding, .vector),
    Rule("embeddings.position_ids", .buffer, .other),
    Rule("pooler.dense", .pooler),
    Rule("wte", .embedToken, .embedding),
    Rule("wpe", .embedPosition, .embedding),
    Rule("ln_f", .normFinal, .vector),
    Rule("embed_tokens", .embedToken, .embedding),
    Rule("tok_embeddings", .embedToken, .embedding),
    Rule("norm", .normFinal, .vector),
    Rule("final_layernorm", .normFinal, .vector),
    Rule("lm_head", .lmHead, .embedding),
    Rule("output", .lmHead, .embedding),
    Rule("token_embd", .embedToken, .embedding),
    Rule("position_embd", .embedPosition, .embedding),
    Rule("token_types", .embedTokenType, .embedding),
    Rule("token_embd_norm", .normEmbedding, .vector),
    Rule("output_norm", .normFinal, .vector),
    Rule("rope_freqs", .buffer, .other),
  ].sorted { $0.suffix.count > $1.suffix.count }

  /// Matches `module` (the name without its parameter component) against `rules`.
  static func match(_ module: ArraySlice<Substring>, _ rules: [Rule]) -> Rule? {
    rules.first { rule in
      rule.suffix.count <= module.count && module.suffix(rule.suffix.count).elementsEqual(rule.suffix)
    }
  }
}
