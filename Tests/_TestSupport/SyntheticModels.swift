public import Checkpoint

/// Tiny checkpoints with the real tensor names of each architecture, written by the tests.
/// Values are a deterministic ramp, so decoding can be checked too.
public enum SyntheticModels {
  public struct Model {
    public var entries: [SafetensorsWriter.Entry]
    public var config: String

    /// The same tensors in name order, as Hugging Face's writer stores them (`h.10` before `h.2`).
    public func alphabetical() -> Model {
      Model(entries: entries.sorted { $0.name < $1.name }, config: config)
    }

    /// The same model with one more matrix (ramp values), e.g. an unmapped tensor.
    public func adding(matrix name: String, rows: Int, cols: Int) -> Model {
      Model(entries: entries + [SyntheticModels.tensor(name, [rows, cols], seed: 3)], config: config)
    }
  }

  static func tensor(_ name: String, _ shape: [Int], seed: Int = 0) -> SafetensorsWriter.Entry {
    let count = shape.reduce(1, *)
    let values = (0..<count).map { i in Float(((i + seed * 7) % 17) - 8) / 16 }
    return SafetensorsWriter.Entry(name: name, shape: shape, floats: values)
  }

  /// GPT-2 naming: `h.N.attn.c_attn` fused [in, 3·out], Conv1D layout, mask buffers.
  public static func gpt2(layers: Int = 12, hidden: Int = 8, vocab: Int = 20, positions: Int = 16) -> Model {
    var e = [tensor("wte.weight", [vocab, hidden]), tensor("wpe.weight", [positions, hidden])]
    for i in 0..<layers {
      let p = "h.\(i)."
      e += [
        tensor(p + "ln_1.weight", [hidden], seed: i), tensor(p + "ln_1.bias", [hidden]),
        tensor(p + "attn.bias", [1, 1, positions, positions]),
        tensor(p + "attn.c_attn.weight", [hidden, 3 * hidden], seed: i), tensor(p + "attn.c_attn.bias", [3 * hidden]),
        tensor(p + "attn.c_proj.weight", [hidden, hidden], seed: i), tensor(p + "attn.c_proj.bias", [hidden]),
        tensor(p + "ln_2.weight", [hidden]), tensor(p + "ln_2.bias", [hidden]),
        tensor(p + "mlp.c_fc.weight", [hidden, 4 * hidden], seed: i), tensor(p + "mlp.c_fc.bias", [4 * hidden]),
        tensor(p + "mlp.c_proj.weight", [4 * hidden, hidden], seed: i), tensor(p + "mlp.c_proj.bias", [hidden]),
      ]
    }
    e += [tensor("ln_f.weight", [hidden]), tensor("ln_f.bias", [hidden])]
    let config = """
      {"model_type": "gpt2", "n_layer": \(layers), "n_embd": \(hidden), "n_head": 2, "n_positions": \(positions), "vocab_size": \(vocab)}
      """
    return Model(entries: e, config: config)
  }

  /// Llama naming (also Mistral, Qwen, SmolLM): grouped-query attention, SwiGLU, untied head.
  public static func llama(
    layers: Int = 3, hidden: Int = 8, heads: Int = 4, kvHeads: Int = 2, vocab: Int = 20, prefix: String = "model.",
    biases: Bool = false, qkNorm: Bool = false, modelType: String = "llama"
  ) -> Model {
    let headDim = hidden / heads
    var e = [tensor(prefix + "embed_tokens.weight", [vocab, hidden])]
    for i in 0..<layers {
      let p = prefix + "layers.\(i)."
      e += [
        tensor(p + "input_layernorm.weight", [hidden]),
        tensor(p + "self_attn.q_proj.weight", [heads * headDim, hidden], seed: i),
        tensor(p + "self_attn.k_proj.weight", [kvHeads * headDim, hidden], seed: i),
        tensor(p + "self_attn.v_proj.weight", [kvHeads * headDim, hidden], seed: i),
        tensor(p + "self_attn.o_proj.weight", [hidden, heads * headDim], seed: i),
        tensor(p + "post_attention_layernorm.weight", [hidden]),
        tensor(p + "mlp.gate_proj.weight", [3 * hidden, hidden], seed: i),
        tensor(p + "mlp.up_proj.weight", [3 * hidden, hidden], seed: i),
        tensor(p + "mlp.down_proj.weight", [hidden, 3 * hidden], seed: i),
      ]
      if biases {
        e += [
          tensor(p + "self_attn.q_proj.bias", [heads * headDim]), tensor(p + "self_attn.k_proj.bias", [kvHeads * headDim]),
          tensor(p + "self_attn.v_proj.bias", [kvHeads * headDim]),
        ]
      }
      if qkNorm { e += [tensor(p + "self_attn.q_norm.weight", [headDim]), tensor(p + "self_attn.k_norm.weight", [headDim])] }
    }
    e += [tensor(prefix + "norm.weight", [hidden]), tensor("lm_head.weight", [vocab, hidden])]
    let config = """
      {"model_type": "\(modelType)", "num_hidden_layers": \(layers), "hidden_size": \(hidden), "num_attention_heads": \(heads), "num_key_value_heads": \(kvHeads), "intermediate_size": \(3 * hidden), "vocab_size": \(vocab)}
      """
    return Model(entries: e, config: config)
  }

  /// Gemma 3 naming: four norms per block, q/k norms, norm weights stored as offsets from 1.
  public static func gemma3(layers: Int = 2, hidden: Int = 8, vocab: Int = 20, prefix: String = "model.") -> Model {
    let headDim = 4
    var e = [tensor(prefix + "embed_tokens.weight", [vocab, hidden])]
    for i in 0..<layers {
      let p = prefix + "layers.\(i)."
      e += [
        tensor(p + "input_layernorm.weight", [hidden]),
        tensor(p + "self_attn.q_proj.weight", [2 * headDim, hidden], seed: i),
        tensor(p + "self_attn.k_proj.weight", [headDim, hidden], seed: i),
        tensor(p + "self_attn.v_proj.weight", [headDim, hidden], seed: i),
        tensor(p + "self_attn.o_proj.weight", [hidden, 2 * headDim], seed: i),
        tensor(p + "self_attn.q_norm.weight", [headDim]), tensor(p + "self_attn.k_norm.weight", [headDim]),
        tensor(p + "post_attention_layernorm.weight", [hidden]),
        tensor(p + "pre_feedforward_layernorm.weight", [hidden]),
        tensor(p + "post_feedforward_layernorm.weight", [hidden]),
        tensor(p + "mlp.gate_proj.weight", [2 * hidden, hidden], seed: i),
        tensor(p + "mlp.up_proj.weight", [2 * hidden, hidden], seed: i),
        tensor(p + "mlp.down_proj.weight", [hidden, 2 * hidden], seed: i),
      ]
    }
    e.append(tensor(prefix + "norm.weight", [hidden]))
    return Model(
      entries: e,
      config:
        "{\"model_type\": \"gemma3_text\", \"num_hidden_layers\": \(layers), \"hidden_size\": \(hidden), \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": \(headDim)}"
    )
  }

  /// Phi-3 naming: fused `qkv_proj` ([q; k; v] by rows) and `gate_up_proj` ([gate; up]).
  public static func phi3(layers: Int = 2, hidden: Int = 8, heads: Int = 4, kvHeads: Int = 2, vocab: Int = 20) -> Model {
    let headDim = hidden / heads
    let qkv = (heads + 2 * kvHeads) * headDim
    var e = [tensor("model.embed_tokens.weight", [vocab, hidden])]
    for i in 0..<layers {
      let p = "model.layers.\(i)."
      e += [
        tensor(p + "input_layernorm.weight", [hidden]),
        tensor(p + "self_attn.qkv_proj.weight", [qkv, hidden], seed: i),
        tensor(p + "self_attn.o_proj.weight", [hidden, hidden], seed: i),
        tensor(p + "post_attention_layernorm.weight", [hidden]),
        tensor(p + "mlp.gate_up_proj.weight", [6 * hidden, hidden], seed: i),
        tensor(p + "mlp.down_proj.weight", [hidden, 3 * hidden], seed: i),
      ]
    }
    e += [tensor("model.norm.weight", [hidden]), tensor("lm_head.weight", [vocab, hidden])]
    return Model(
      entries: e,
      config: "{\"model_type\": \"phi3\", \"num_hidden_layers\": \(layers), \"hidden_size\": \(hidden), \"num_attention_heads\": \(heads), \"num_key_value_heads\": \(kvHeads)}")
  }

  /// BERT naming with the `bert.` prefix and the old `LayerNorm.gamma`/`beta` spellings.
  public static func bert(layers: Int = 2, hidden: Int = 8, vocab: Int = 20, oldNorms: Bool = true) -> Model {
    let g = oldNorms ? "gamma" : "weight", b = oldNorms ? "beta" : "bias"
    var e = [
      tensor("bert.embeddings.word_embeddings.weight", [vocab, hidden]),
      tensor("bert.embeddings.position_embeddings.weight", [16, hidden]),
      tensor("bert.embeddings.token_type_embeddings.weight", [2, hidden]),
      tensor("bert.embeddings.LayerNorm.\(g)", [hidden]), tensor("bert.embeddings.LayerNorm.\(b)", [hidden]),
    ]
    for i in 0..<layers {
      let p = "bert.encoder.layer.\(i)."
      e += [
        tensor(p + "attention.self.query.weight", [hidden, hidden], seed: i), tensor(p + "attention.self.query.bias", [hidden]),
        tensor(p + "attention.self.key.weight", [hidden, hidden], seed: i), tensor(p + "attention.self.key.bias", [hidden]),
        tensor(p + "attention.self.value.weight", [hidden, hidden], seed: i), tensor(p + "attention.self.value.bias", [hidden]),
        tensor(p + "attention.output.dense.weight", [hidden, hidden], seed: i), tensor(p + "attention.output.dense.bias", [hidden]),
        tensor(p + "attention.output.LayerNorm.\(g)", [hidden]), tensor(p + "attention.output.LayerNorm.\(b)", [hidden]),
        tensor(p + "intermediate.dense.weight", [4 * hidden, hidden], seed: i), tensor(p + "intermediate.dense.bias", [4 * hidden]),
        tensor(p + "output.dense.weight", [hidden, 4 * hidden], seed: i), tensor(p + "output.dense.bias", [hidden]),
        tensor(p + "output.LayerNorm.\(g)", [hidden]), tensor(p + "output.LayerNorm.\(b)", [hidden]),
      ]
    }
    e += [tensor("bert.pooler.dense.weight", [hidden, hidden]), tensor("bert.pooler.dense.bias", [hidden])]
    return Model(entries: e, config: "{\"model_type\": \"bert\", \"num_hidden_layers\": \(layers), \"hidden_size\": \(hidden), \"num_attention_heads\": 2}")
  }

  /// Writes `model` as `model.safetensors` + `config.json` into `directory`.
  public static func write(_ model: Model, to directory: TemporaryDirectory, config: Bool = true) throws -> String {
    try SafetensorsWriter(entries: model.entries, metadata: ["format": "pt"]).write(to: directory.file("model.safetensors"))
    if config { directory.write("config.json", text: model.config) }
    return directory.path
  }
}
