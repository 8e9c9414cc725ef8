/// What a tensor does in a transformer, independent of how a format names it.
///
/// Raw values are the canonical names used in JSON output, presets and provenance.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
  // Attention
  case attentionQuery = "attn.q"
  case attentionKey = "attn.k"
  case attentionValue = "attn.v"
  case attentionOutput = "attn.o"
  /// Fused query-key-value projection (GPT-2 `c_attn`, Phi-3 `qkv_proj`); split into
  /// ``attentionQuery``, ``attentionKey`` and ``attentionValue`` slices in ``LayerAnatomy``.
  case attentionQKV = "attn.qkv"
  // MLP
  case mlpGate = "mlp.gate"
  case mlpUp = "mlp.up"
  case mlpDown = "mlp.down"
  /// Fused gate and up projection (Phi-3 `gate_up_proj`); split into ``mlpGate`` and ``mlpUp``.
  case mlpGateUp = "mlp.gate_up"
  // Norms
  /// Before attention (pre-norm models: Llama `input_layernorm`, GPT-2 `ln_1`).
  case normInput = "norm.input"
  /// On the attention output (Gemma 2/3 `post_attention_layernorm`, BERT's attention LayerNorm).
  case normPostAttention = "norm.post_attention"
  /// Before the MLP (Llama's `post_attention_layernorm`, Gemma's `pre_feedforward_layernorm`,
  /// GPT-2 `ln_2`).
  case normPreFeedforward = "norm.pre_feedforward"
  /// On the MLP output (Gemma 2/3, BERT's output LayerNorm).
  case normPostFeedforward = "norm.post_feedforward"
  case normQuery = "norm.q"
  case normKey = "norm.k"
  /// BERT's LayerNorm on the embeddings.
  case normEmbedding = "norm.embedding"
  case normFinal = "norm.final"
  // Model-level
  case embedToken = "embed.token"
  case embedPosition = "embed.position"
  case embedTokenType = "embed.token_type"
  case lmHead = "lm_head"
  case pooler = "pooler"
  /// Not a parameter: causal masks, rotary frequency tables, position ids. Never analysed.
  case buffer = "buffer"
  /// A tensor the anatomy could not place; still analysable as a plain matrix.
  case unmapped = "unmapped"

  public var isNorm: Bool { rawValue.hasPrefix("norm.") }
  public var isAttention: Bool { rawValue.hasPrefix("attn.") }
  public var isMLP: Bool { rawValue.hasPrefix("mlp.") }
  public var isEmbedding: Bool { rawValue.hasPrefix("embed.") }

  /// Canonical display order (declaration order).
  public static func < (lhs: Role, rhs: Role) -> Bool {
    let all = Role.allCases
    return (all.firstIndex(of: lhs) ?? 0) < (all.firstIndex(of: rhs) ?? 0)
  }
}

/// Which parameter of a module a tensor holds.
public enum Parameter: String, Sendable, Hashable, Codable {
  /// A weight matrix, or a norm's gain vector.
  case weight
  case bias
}

/// How a weight matrix stores its axes.
public enum Layout: String, Sendable, Hashable, Codable {
  /// `[out_features, in_features]`, as `nn.Linear` (and GGUF after its axis reversal).
  case outIn = "out_in"
  /// `[in_features, out_features]`, as GPT-2's `Conv1D`: transpose for per-output-neuron norms.
  case inOut = "in_out"
  /// `[vocabulary or positions, hidden]`: one row per token.
  case embedding
  /// A 1-D tensor (gain or bias).
  case vector
  /// Anything else (buffers, scalars, higher-rank tensors).
  case other
}
