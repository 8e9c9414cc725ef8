import Anatomy
import Checkpoint
import Testing
import _TestSupport

@Suite("anatomy")
struct AnatomyTests {
  static func anatomy(_ model: SyntheticModels.Model, config: Bool = true) throws -> (Anatomy, TemporaryDirectory) {
    let dir = TemporaryDirectory()
    let path = try SyntheticModels.write(model, to: dir, config: config)
    let checkpoint = try ModelResolver(environment: [:]).open(path)
    return (Anatomy(checkpoint: checkpoint), dir)
  }

  @Test func gpt2() throws {
    let (a, _) = try Self.anatomy(SyntheticModels.gpt2(layers: 12, hidden: 8))
    #expect(a.architecture == "gpt2")
    #expect(a.family == .gpt2)
    // Numeric order: h.10 and h.11 after h.9, although names sort h.1, h.10, h.11, h.2, ...
    #expect(a.layers.map(\.index) == Array(0..<12))
    #expect(a.hyperparameters.layerCount == 12)
    #expect(a.hyperparameters.hiddenSize == 8)
    #expect(a.tiedEmbeddings)
    let layer = a.layers[10]
    // Fused c_attn split into Q, K, V column blocks of the [in, out] Conv1D weight.
    let q = try #require(layer.weight(.attentionQuery))
    let k = try #require(layer.weight(.attentionKey))
    let v = try #require(layer.weight(.attentionValue))
    #expect(q.tensor == "h.10.attn.c_attn.weight")
    #expect(q.outputs == 0..<8)
    #expect(k.outputs == 8..<16)
    #expect(v.outputs == 16..<24)
    #expect(q.layout == .inOut)
    #expect(q.fusedFrom == .attentionQKV)
    #expect(layer.bias(.attentionValue)?.outputs == 16..<24)
    #expect(layer.weight(.attentionOutput)?.layout == .inOut)
    #expect(layer.weight(.mlpUp)?.tensor == "h.10.mlp.c_fc.weight")
    #expect(layer.weight(.mlpDown)?.tensor == "h.10.mlp.c_proj.weight")
    #expect(layer.weight(.normInput)?.tensor == "h.10.ln_1.weight")
    #expect(layer.weight(.normPreFeedforward)?.tensor == "h.10.ln_2.weight")
    #expect(a.global(.embedToken)?.tensor == "wte.weight")
    #expect(a.global(.embedPosition)?.tensor == "wpe.weight")
    #expect(a.global(.normFinal)?.tensor == "ln_f.weight")
    // The causal-mask buffers are skipped and not counted as parameters.
    #expect(a.buffers.count == 12)
    #expect(a.buffers.allSatisfy { $0.hasSuffix(".attn.bias") })
    #expect(a.unmapped.isEmpty)
  }

  @Test func llama() throws {
    let (a, _) = try Self.anatomy(SyntheticModels.llama(layers: 3, hidden: 8, heads: 4, kvHeads: 2))
    #expect(a.family == .llama)
    #expect(a.hyperparameters.headCount == 4)
    #expect(a.hyperparameters.keyValueHeadCount == 2)
    #expect(a.hyperparameters.headDimension == 2)
    #expect(!a.tiedEmbeddings)
    #expect(a.global(.lmHead)?.tensor == "lm_head.weight")
    #expect(a.global(.normFinal)?.tensor == "model.norm.weight")
    let layer = a.layers[1]
    #expect(layer.roles == [.attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .mlpGate, .mlpUp, .mlpDown, .normInput, .normPreFeedforward])
    // Llama's post_attention_layernorm is the pre-MLP norm.
    #expect(layer.weight(.normPreFeedforward)?.tensor == "model.layers.1.post_attention_layernorm.weight")
    #expect(a.normGainOffset == 0)
    #expect(a.unmapped.isEmpty)
  }

  @Test(arguments: ["llama", "mistral", "qwen2", "qwen3", "smollm3"])
  func llamaShapedFamilies(_ modelType: String) throws {
    let (a, _) = try Self.anatomy(SyntheticModels.llama(modelType: modelType))
    #expect(a.architecture == modelType)
    #expect(a.family == .llama)
    #expect(a.unmapped.isEmpty)
  }

  /// A sharded checkpoint has the same anatomy as the single-file one.
  @Test func shardedLlama() throws {
    let model = SyntheticModels.llama(layers: 4)
    let dir = TemporaryDirectory()
    let half = model.entries.count / 2
    let shards = [Array(model.entries[..<half]), Array(model.entries[half...])]
    var map: [String] = []
    for (i, entries) in shards.enumerated() {
      let name = "model-0000\(i + 1)-of-00002.safetensors"
      try SafetensorsWriter(entries: entries).write(to: dir.file(name))
      map += entries.map { "\"\($0.name)\": \"\(name)\"" }
    }
    dir.write("model.safetensors.index.json", text: "{\"metadata\": {}, \"weight_map\": {\(map.joined(separator: ", "))}}")
    dir.write("config.json", text: model.config)
    let sharded = Anatomy(checkpoint: try ModelResolver(environment: [:]).open(dir.path))
    let (single, _) = try Self.anatomy(model)
    #expect(sharded.layers == single.layers)
    #expect(sharded.globals == single.globals)
    #expect(sharded.parameterCount == single.parameterCount)
  }

  @Test func qwenBiasesAndNorms() throws {
    let (a, _) = try Self.anatomy(SyntheticModels.llama(biases: true, qkNorm: true, modelType: "qwen3"))
    #expect(a.family == .llama)
    let layer = a.layers[0]
    #expect(layer.bias(.attentionQuery)?.tensor == "model.layers.0.self_attn.q_proj.bias")
    #expect(layer.weight(.normQuery) != nil)
    #expect(layer.weight(.normKey) != nil)
  }

  @Test func gemma3() throws {
    let (a, _) = try Self.anatomy(SyntheticModels.gemma3(prefix: "language_model.model."))
    #expect(a.family == .gemma)
    #expect(a.normGainOffset == 1)
    #expect(a.tiedEmbeddings)
    let layer = a.layers[0]
    #expect(layer.weight(.normPostAttention)?.tensor == "language_model.model.layers.0.post_attention_layernorm.weight")
    #expect(layer.weight(.normPreFeedforward)?.tensor == "language_model.model.layers.0.pre_feedforward_layernorm.weight")
    #expect(layer.weight(.normPostFeedforward) != nil)
    #expect(layer.weight(.normQuery) != nil)
    #expect(a.hyperparameters.headDimension == 4)
    #expect(a.unmapped.isEmpty)
  }

  @Test func phi3FusedSplits() throws {
    let (a, _) = try Self.anatomy(SyntheticModels.phi3(hidden: 8, heads: 4, kvHeads: 2))
    #expect(a.family == .phi3)
    let layer = a.layers[1]
    // qkv rows: q = 4 heads × 2, k = v = 2 heads × 2.
    #expect(layer.weight(.attentionQuery)?.outputs == 0..<8)
    #expect(layer.weight(.attentionKey)?.outputs == 8..<12)
    #expect(layer.weight(.attentionValue)?.outputs == 12..<16)
    #expect(layer.weight(.mlpGate)?.outputs == 0..<24)
    #expect(layer.weight(.mlpUp)?.outputs == 24..<48)
    #expect(layer.weight(.mlpGate)?.fusedFrom == .mlpGateUp)
  }

  @Test(arguments: [true, false])
  func bert(oldNorms: Bool) throws {
    let (a, _) = try Self.anatomy(SyntheticModels.bert(oldNorms: oldNorms))
    #expect(a.family == .bert)
    #expect(!a.tiedEmbeddings)
    let layer = a.layers[1]
    #expect(layer.roles == [.attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .mlpUp, .mlpDown, .normPostAttention, .normPostFeedforward])
    #expect(layer.weight(.normPostAttention)?.tensor == "bert.encoder.layer.1.attention.output.LayerNorm.\(oldNorms ? "gamma" : "weight")")
    #expect(layer.bias(.normPostFeedforward)?.tensor == "bert.encoder.layer.1.output.LayerNorm.\(oldNorms ? "beta" : "bias")")
    #expect(a.global(.embedTokenType) != nil)
    #expect(a.global(.normEmbedding) != nil)
    #expect(a.global(.pooler) != nil)
    #expect(a.unmapped.isEmpty)
  }

  /// Without config.json the architecture and sizes come from names and shapes.
  @Test func inferredWithoutConfig() throws {
    let (g, _) = try Self.anatomy(SyntheticModels.gpt2(layers: 3, hidden: 8, vocab: 20), config: false)
    #expect(g.architecture == "gpt2")
    #expect(g.hyperparameters.layerCount == 3)
    #expect(g.hyperparameters.hiddenSize == 8)
    #expect(g.hyperparameters.vocabularySize == 20)
    #expect(g.hyperparameters.intermediateSize == 32)
    let (l, _) = try Self.anatomy(SyntheticModels.gemma3(), config: false)
    #expect(l.architecture == "gemma3")
    #expect(l.normGainOffset == 1)
    #expect(l.hyperparameters.headDimension == 4)
    #expect(l.hyperparameters.headCount == 2)
    #expect(l.hyperparameters.keyValueHeadCount == 1)
  }

  @Test func ggufLlamaNames() throws {
    var b = GGUFBuilder()
    b.metadata = [
      ("general.architecture", .string("llama")), ("llama.block_count", .u32(2)), ("llama.embedding_length", .u32(4)),
      ("llama.attention.head_count", .u32(2)), ("llama.attention.head_count_kv", .u32(1)),
    ]
    b.addF32("token_embd.weight", shape: [6, 4], values: Array(repeating: 0.5, count: 24))
    for i in 0..<2 {
      for (part, shape) in [
        ("attn_q", [4, 4]), ("attn_k", [2, 4]), ("attn_v", [2, 4]), ("attn_output", [4, 4]),
        ("ffn_gate", [8, 4]), ("ffn_up", [8, 4]), ("ffn_down", [4, 8]), ("attn_norm", [4]), ("ffn_norm", [4]),
      ] {
        b.addF32("blk.\(i).\(part).weight", shape: shape, values: Array(repeating: 1, count: shape.reduce(1, *)))
      }
    }
    b.addF32("output_norm.weight", shape: [4], values: [1, 1, 1, 1])
    let dir = TemporaryDirectory()
    let path = dir.write("m.gguf", bytes: b.bytes())
    let a = Anatomy(checkpoint: try Checkpoint.openGGUF(at: path))
    #expect(a.architecture == "llama")
    #expect(a.hyperparameters.layerCount == 2)
    #expect(a.hyperparameters.headDimension == 2)
    #expect(a.layers[1].roles == [.attentionQuery, .attentionKey, .attentionValue, .attentionOutput, .mlpGate, .mlpUp, .mlpDown, .normInput, .normPreFeedforward])
    #expect(a.tiedEmbeddings)
    #expect(a.unmapped.isEmpty)
  }

  /// An unknown architecture is not an error: its tensors are listed as unmapped.
  @Test func unknownArchitecture() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("model.safetensors")
    try SafetensorsWriter(entries: [
      .init(name: "encoder.conv.weight", shape: [4, 4], floats: Array(repeating: 1, count: 16)),
      .init(name: "head.proj", shape: [2, 4], floats: Array(repeating: 1, count: 8)),
    ]).write(to: path)
    let a = Anatomy(checkpoint: try Checkpoint.openSafetensors(at: path))
    #expect(a.architecture == "unknown")
    #expect(a.unmapped == ["encoder.conv.weight", "head.proj"])
    #expect(a.parameterCount == 24)
    #expect(a.layers.isEmpty)
  }
}

@Suite("anatomy of the real default models")
struct RealAnatomyTests {
  @Test func miniLM() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let a = Anatomy(checkpoint: try ModelResolver(environment: [:]).open(Repository.miniLM))
    #expect(a.architecture == "bert")
    #expect(a.hyperparameters.layerCount == 6)
    #expect(a.hyperparameters.hiddenSize == 384)
    #expect(a.layers.count == 6)
    #expect(a.parameterCount == 22_713_216)  // 22.7M, the int64 position_ids buffer excluded
    #expect(a.buffers == ["embeddings.position_ids"])
    #expect(a.unmapped.isEmpty)
    #expect(a.layers.allSatisfy { $0.roles.count == 8 })
  }

  @Test func smolLM2() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let a = Anatomy(checkpoint: try Checkpoint.openGGUF(at: Repository.smolLM2))
    #expect(a.architecture == "llama")
    #expect(a.hyperparameters.layerCount == 30)
    #expect(a.hyperparameters.hiddenSize == 576)
    #expect(a.hyperparameters.headCount == 9)
    #expect(a.hyperparameters.keyValueHeadCount == 3)
    #expect(a.hyperparameters.vocabularySize == 49152)
    #expect(a.parameterCount == 134_515_008)
    #expect(a.layers.map(\.index) == Array(0..<30))
    #expect(a.layers.allSatisfy { $0.roles.count == 9 })
    #expect(a.tiedEmbeddings)
    #expect(a.unmapped.isEmpty)
    #expect(a.warnings.isEmpty)
  }
}
