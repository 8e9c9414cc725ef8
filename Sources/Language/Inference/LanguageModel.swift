public import Checkpoint
import Linalg
import PackedGEMM

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A causal language model ready to run on the CPU: the Llama family (SmolLM2, Llama, Mistral,
/// Qwen 2 without biases) from GGUF or Hugging Face names, and GPT-2. Weights stay in the
/// checkpoint's memory map and are decoded one matrix at a time as the pass reaches them, so
/// memory holds one layer's weights in f32 plus the activations, never the model.
public struct LanguageModel: Sendable {
  public enum Architecture: String, Sendable, Hashable, Codable {
    case llama, gpt2, gemma3
  }

  /// What Gemma 3 adds to a Llama-style block (llama.cpp's `gemma3` graph): q and k normalised
  /// per head, a norm after the attention and after the MLP, GELU (tanh) gating, embeddings
  /// scaled by √hidden, and local layers with sliding-window attention and their own RoPE base
  /// (every `globalEvery`-th layer is global).
  struct Gemma: Sendable, Hashable {
    var window: Int
    var localRopeBase: Double
    var globalEvery: Int
    var embeddingScale: Float

    /// Whether layer `l` (0-based) attends globally.
    func isGlobal(_ l: Int) -> Bool { (l + 1) % globalEvery == 0 }
  }

  /// How rotary embeddings pair the dimensions of a head.
  enum Rotary: Sendable, Hashable {
    /// (2i, 2i+1): llama.cpp's layout; GGUF stores q and k permuted for it.
    case interleaved
    /// (i, i + D/2): Hugging Face's "rotate half".
    case halves
  }

  public let checkpoint: Checkpoint
  public let architecture: Architecture
  public let layers: Int
  public let hiddenSize: Int
  public let heads: Int
  public let keyValueHeads: Int
  public let headDimension: Int
  public let vocabularySize: Int
  /// Longest prompt, tokens.
  public let contextLength: Int
  let epsilon: Float
  let ropeBase: Double
  let rotary: Rotary
  let names: Names
  /// Weights decoded once and kept (``preloaded()``), or nil to decode as the pass goes.
  let store: WeightStore?

  /// Gemma 3's settings, nil for other architectures.
  let gemma: Gemma?

  /// Whether block `layer` (0-based) attends to every earlier token (false: a Gemma 3 local
  /// layer, which sees a sliding window).
  public func attendsGlobally(layer: Int) -> Bool { gemma?.isGlobal(layer) ?? true }
  /// Added to every vector weight (all norm gains in a Gemma 3 without biases): 1 for Gemma 3
  /// with Hugging Face names, whose norms store w and apply 1 + w; 0 otherwise (llama.cpp's
  /// converter has already added the 1).
  let normShift: Float
  /// Decoded weights by tensor name, filled once before sharing.
  final class WeightStore: Sendable {
    let weights: [String: [Float]]
    /// Matrices packed for the AVX-512 kernel (only on CPUs that have it), by tensor name or
    /// `fused.qkv.L` / `fused.gateup.L`; a matrix packed here is not also kept in `weights`.
    let packed: [String: any PackedWeights]
    init(_ weights: [String: [Float]], packed: [String: any PackedWeights] = [:]) {
      self.weights = weights
      self.packed = packed
    }
  }

  /// Tensor names of one naming scheme.
  struct Names: Sendable {
    var embedding: String
    var positions: String? = nil
    var finalNorm: String
    var finalNormBias: String? = nil
    var output: String?
    var layer: @Sendable (Int, String) -> String
  }

  public init(checkpoint: Checkpoint) throws(InferenceError) {
    self.checkpoint = checkpoint
    let m = checkpoint.metadata
    func config(_ key: String) -> JSONValue? { checkpoint.config?[key] }
    func has(_ name: String) -> Bool { checkpoint.tensor(named: name) != nil }
    func require(_ what: String, _ value: Int?) throws(InferenceError) -> Int {
      guard let value, value > 0 else { throw .missingHyperparameter(what) }
      return value
    }
    var gemma: Gemma?
    var headDimensionOverride: Int?
    var normShift: Float = 0
    if has("blk.0.attn_q.weight"), m["general.architecture"]?.stringValue == "gemma3" {
      // Gemma 3 in GGUF (llama.cpp's converter has already added 1 to every norm gain).
      let arch = "gemma3"
      architecture = .gemma3
      layers = try require("block count", m["\(arch).block_count"]?.intValue)
      hiddenSize = try require("embedding length", m["\(arch).embedding_length"]?.intValue)
      heads = try require("head count", m["\(arch).attention.head_count"]?.intValue)
      keyValueHeads = m["\(arch).attention.head_count_kv"]?.intValue ?? heads
      headDimensionOverride = m["\(arch).attention.key_length"]?.intValue
      contextLength = m["\(arch).context_length"]?.intValue ?? 32_768
      epsilon = Float(m["\(arch).attention.layer_norm_rms_epsilon"]?.doubleValue ?? 1e-6)
      ropeBase = m["\(arch).rope.freq_base"]?.doubleValue ?? 1_000_000
      rotary = .halves
      gemma = Gemma(
        window: m["\(arch).attention.sliding_window"]?.intValue ?? 512, localRopeBase: m["\(arch).rope.local.freq_base"]?.doubleValue ?? 10_000,
        globalEvery: 6, embeddingScale: Float(Double(hiddenSize).squareRoot()))
      names = Names(
        embedding: "token_embd.weight", finalNorm: "output_norm.weight", output: has("output.weight") ? "output.weight" : nil,
        layer: { i, part in
          let map = [
            "attn_norm": "attn_norm", "q": "attn_q", "k": "attn_k", "v": "attn_v", "o": "attn_output", "q_norm": "attn_q_norm",
            "k_norm": "attn_k_norm", "post_attention_norm": "post_attention_norm", "ffn_norm": "ffn_norm", "post_ffw_norm": "post_ffw_norm",
            "gate": "ffn_gate", "up": "ffn_up", "down": "ffn_down",
          ]
          return "blk.\(i).\(map[part] ?? part).weight"
        })
    } else if has("blk.0.attn_q.weight") {
      // GGUF, llama.cpp names.
      let arch = m["general.architecture"]?.stringValue ?? "llama"
      guard ["llama", "mistral", "smollm", "granite"].contains(arch) else { throw .unsupportedArchitecture(arch) }
      architecture = .llama
      layers = try require("block count", m["\(arch).block_count"]?.intValue)
      hiddenSize = try require("embedding length", m["\(arch).embedding_length"]?.intValue)
      heads = try require("head count", m["\(arch).attention.head_count"]?.intValue)
      keyValueHeads = m["\(arch).attention.head_count_kv"]?.intValue ?? heads
      contextLength = m["\(arch).context_length"]?.intValue ?? 2048
      epsilon = Float(m["\(arch).attention.layer_norm_rms_epsilon"]?.doubleValue ?? 1e-5)
      ropeBase = m["\(arch).rope.freq_base"]?.doubleValue ?? 10_000
      rotary = .interleaved
      names = Names(
        embedding: "token_embd.weight", finalNorm: "output_norm.weight", output: has("output.weight") ? "output.weight" : nil,
        layer: { i, part in
          let map = [
            "attn_norm": "attn_norm", "q": "attn_q", "k": "attn_k", "v": "attn_v", "o": "attn_output", "ffn_norm": "ffn_norm",
            "gate": "ffn_gate", "up": "ffn_up", "down": "ffn_down",
          ]
          return "blk.\(i).\(map[part] ?? part).weight"
        })
    } else if has("model.layers.0.self_attn.q_norm.weight"), ["gemma3_text", "gemma3"].contains(config("model_type")?.stringValue ?? "") {
      // Gemma 3 with Hugging Face names: its norms store w and apply 1 + w.
      architecture = .gemma3
      layers = try require("num_hidden_layers", config("num_hidden_layers")?.intValue)
      hiddenSize = try require("hidden_size", config("hidden_size")?.intValue)
      heads = try require("num_attention_heads", config("num_attention_heads")?.intValue)
      keyValueHeads = config("num_key_value_heads")?.intValue ?? heads
      headDimensionOverride = config("head_dim")?.intValue
      contextLength = config("max_position_embeddings")?.intValue ?? 32_768
      epsilon = Float(config("rms_norm_eps")?.doubleValue ?? 1e-6)
      let rope = config("rope_parameters")
      ropeBase = rope?["full_attention"]?["rope_theta"]?.doubleValue ?? config("rope_theta")?.doubleValue ?? 1_000_000
      rotary = .halves
      let types = config("layer_types")?.arrayValue?.compactMap(\.stringValue) ?? []
      let globalEvery = (types.firstIndex(of: "full_attention").map { $0 + 1 }) ?? config("sliding_window_pattern")?.intValue ?? 6
      gemma = Gemma(
        window: config("sliding_window")?.intValue ?? 512,
        localRopeBase: rope?["sliding_attention"]?["rope_theta"]?.doubleValue ?? config("rope_local_base_freq")?.doubleValue ?? 10_000,
        globalEvery: globalEvery, embeddingScale: Float(Double(hiddenSize).squareRoot()))
      normShift = 1
      names = Names(
        embedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight", output: has("lm_head.weight") ? "lm_head.weight" : nil,
        layer: { i, part in
          let map = [
            "attn_norm": "input_layernorm", "q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj", "o": "self_attn.o_proj",
            "q_norm": "self_attn.q_norm", "k_norm": "self_attn.k_norm", "post_attention_norm": "post_attention_layernorm",
            "ffn_norm": "pre_feedforward_layernorm", "post_ffw_norm": "post_feedforward_layernorm", "gate": "mlp.gate_proj", "up": "mlp.up_proj",
            "down": "mlp.down_proj",
          ]
          return "model.layers.\(i).\(map[part] ?? part).weight"
        })
    } else if has("model.layers.0.self_attn.q_proj.weight") {
      architecture = .llama
      layers = try require("num_hidden_layers", config("num_hidden_layers")?.intValue)
      hiddenSize = try require("hidden_size", config("hidden_size")?.intValue)
      heads = try require("num_attention_heads", config("num_attention_heads")?.intValue)
      keyValueHeads = config("num_key_value_heads")?.intValue ?? heads
      contextLength = config("max_position_embeddings")?.intValue ?? 2048
      epsilon = Float(config("rms_norm_eps")?.doubleValue ?? 1e-5)
      ropeBase = config("rope_theta")?.doubleValue ?? 10_000
      rotary = .halves
      names = Names(
        embedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight", output: has("lm_head.weight") ? "lm_head.weight" : nil,
        layer: { i, part in
          let map = [
            "attn_norm": "input_layernorm", "q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj",
            "o": "self_attn.o_proj", "ffn_norm": "post_attention_layernorm", "gate": "mlp.gate_proj", "up": "mlp.up_proj",
            "down": "mlp.down_proj",
          ]
          return "model.layers.\(i).\(map[part] ?? part).weight"
        })
    } else if has("h.0.attn.c_attn.weight") || has("transformer.h.0.attn.c_attn.weight") {
      architecture = .gpt2
      let prefix = has("h.0.attn.c_attn.weight") ? "" : "transformer."
      let wte = checkpoint.tensor(named: prefix + "wte.weight")
      layers = try require("n_layer", config("n_layer")?.intValue ?? Self.countLayers(checkpoint, prefix: prefix + "h."))
      hiddenSize = try require("n_embd", config("n_embd")?.intValue ?? wte?.shape.last)
      heads = try require("n_head", config("n_head")?.intValue ?? (hiddenSize % 64 == 0 ? hiddenSize / 64 : nil))
      keyValueHeads = heads
      contextLength = config("n_positions")?.intValue ?? checkpoint.tensor(named: prefix + "wpe.weight")?.shape.first ?? 1024
      epsilon = Float(config("layer_norm_epsilon")?.doubleValue ?? 1e-5)
      ropeBase = 0
      rotary = .halves
      names = Names(
        embedding: prefix + "wte.weight", positions: prefix + "wpe.weight", finalNorm: prefix + "ln_f.weight",
        finalNormBias: prefix + "ln_f.bias", output: nil, layer: { i, part in "\(prefix)h.\(i).\(part)" })
    } else {
      throw .unsupportedArchitecture(m["general.architecture"]?.stringValue ?? config("model_type")?.stringValue ?? "unknown")
    }
    guard headDimensionOverride != nil || hiddenSize % heads == 0, heads % keyValueHeads == 0 else {
      throw .missingHyperparameter("a head count that divides the hidden size")
    }
    headDimension = headDimensionOverride ?? hiddenSize / heads
    self.gemma = gemma
    self.normShift = normShift
    guard let embedding = checkpoint.tensor(named: names.embedding), embedding.shape.count == 2, embedding.shape[1] == hiddenSize else {
      throw .missingTensor(names.embedding)
    }
    vocabularySize = embedding.shape[0]
    store = nil
  }

  init(copying model: LanguageModel, store: WeightStore) {
    checkpoint = model.checkpoint
    architecture = model.architecture
    layers = model.layers
    hiddenSize = model.hiddenSize
    heads = model.heads
    keyValueHeads = model.keyValueHeads
    headDimension = model.headDimension
    vocabularySize = model.vocabularySize
    contextLength = model.contextLength
    epsilon = model.epsilon
    ropeBase = model.ropeBase
    rotary = model.rotary
    names = model.names
    gemma = model.gemma
    normShift = model.normShift
    self.store = store
  }

  /// The same model with every block weight decoded to f32 and held in memory (for many
  /// passes: a 4-bit SmolLM2-135M becomes about 430 MB), so repeated passes skip decoding; a
  /// Llama's q, k, v and its gate and up projections are stacked so each group is one product.
  public func preloaded() throws(InferenceError) -> LanguageModel {
    var weights: [String: [Float]] = [:]
    var packed: [String: any PackedWeights] = [:]
    var fusedParts = Set<String>()
    // At the AVX-512 and AVX2 levels a Llama's products run on matrices packed once here
    // (PackedGEMM, PackedGEMMAVX2);
    // elsewhere OpenBLAS multiplies the row-major copies.
    let kernels = architecture == .gpt2 ? nil : Kernels.vector
    let pack = kernels != nil
    if architecture == .llama {
      for l in 0..<layers {
        let qkv = ["q", "k", "v"].map { names.layer(l, $0) }, gateUp = ["gate", "up"].map { names.layer(l, $0) }
        for (key, parts) in [("fused.qkv.\(l)", qkv), ("fused.gateup.\(l)", gateUp)] {
          var stacked: [Float] = []
          var rows = 0
          for name in parts {
            guard let t = checkpoint.tensor(named: name) else { throw .missingTensor(name) }
            do { stacked += try checkpoint.decode(t) } catch { throw .decode(error.description) }
            rows += t.shape.first ?? 0
          }
          if pack, rows > 0 {
            packed[key] = stacked.withUnsafeBufferPointer { kernels?.pack(rowMajor: $0, rows: rows, columns: stacked.count / rows) }
          } else {
            weights[key] = stacked
          }
          fusedParts.formUnion(parts)
        }
      }
    }
    let packable = pack ? Set((0..<layers).flatMap { [names.layer($0, "o"), names.layer($0, "down")] }) : []
    for t in checkpoint.tensors where t.shape.count <= 2 && t.name != names.embedding && t.name != names.output && !fusedParts.contains(t.name) {
      let values: [Float]
      do { values = try checkpoint.decode(t) } catch { continue }
      if packable.contains(t.name), t.shape.count == 2 {
        packed[t.name] = values.withUnsafeBufferPointer { kernels?.pack(rowMajor: $0, rows: t.shape[0], columns: t.shape[1]) }
      } else {
        weights[t.name] = values
      }
    }
    if pack {
      // The output matrix (or the tied embedding) for the logits, packed too.
      let name = names.output ?? names.embedding
      if let t = checkpoint.tensor(named: name), t.shape.count == 2, let values = try? checkpoint.decode(t) {
        packed["logits"] = values.withUnsafeBufferPointer { kernels?.pack(rowMajor: $0, rows: t.shape[0], columns: t.shape[1]) }
      }
    }
    return LanguageModel(copying: self, store: WeightStore(weights, packed: packed))
  }

  static func countLayers(_ checkpoint: Checkpoint, prefix: String) -> Int? {
    var n = 0
    while checkpoint.tensor(named: "\(prefix)\(n).ln_1.weight") != nil { n += 1 }
    return n > 0 ? n : nil
  }

  /// Decodes a tensor and checks its shape.
  func weight(_ name: String, _ shape: [Int]) throws(InferenceError) -> [Float] {
    let values = try withWeight(name, shape) { Array($0) }
    return normShift != 0 && shape.count == 1 ? values.map { $0 + normShift } : values
  }

  /// Calls `body` with a tensor's values: straight from the memory map when it is stored as
  /// aligned little-endian f32 (no copy), else decoded into a temporary array.
  func withWeight<R>(_ name: String, _ shape: [Int], _ body: (UnsafeBufferPointer<Float>) throws(InferenceError) -> R) throws(InferenceError) -> R {
    guard let t = checkpoint.tensor(named: name) else { throw .missingTensor(name) }
    guard t.shape == shape else { throw .wrongShape(name, expected: shape, found: t.shape) }
    if let cached = store?.weights[name] {
      return try cached.withUnsafeBufferPointer { (b: UnsafeBufferPointer<Float>) throws(InferenceError) -> R in try body(b) }
    }
    if t.dtype == .f32 {
      let raw = checkpoint.files[t.fileIndex].bytes(t.byteRange)
      if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: t.elementCount))
      }
    }
    let values: [Float]
    do { values = try checkpoint.decode(t) } catch { throw .decode(error.description) }
    return try values.withUnsafeBufferPointer { (b: UnsafeBufferPointer<Float>) throws(InferenceError) -> R in try body(b) }
  }

  /// Rows `ids` of the token embedding.
  func embeddingRows(_ ids: [Int], name: String) throws(InferenceError) -> [Float] {
    guard let t = checkpoint.tensor(named: name) else { throw .missingTensor(name) }
    var out = [Float](repeating: 0, count: ids.count * hiddenSize)
    for (k, id) in ids.enumerated() {
      guard id >= 0 && id < t.rowCount else { throw .tokenOutOfRange(id, vocabulary: t.rowCount) }
      do {
        try out.withUnsafeMutableBufferPointer { b throws(CheckpointError) in
          try checkpoint.decodeRows(t, rows: id..<(id + 1), into: UnsafeMutableBufferPointer(rebasing: b[(k * hiddenSize)...]))
        }
      } catch { throw .decode(error.description) }
    }
    return out
  }

  /// Logits of one normalised hidden vector against the output matrix (or the tied
  /// embedding), streamed 4096 rows at a time.
  func logits(_ h: [Float]) throws(InferenceError) -> [Float] {
    if let packed = store?.packed["logits"], packed.columns == h.count { return Kernels.linear(h, packed, tokens: 1) }
    let name = names.output ?? names.embedding
    guard let t = checkpoint.tensor(named: name) else { throw .missingTensor(name) }
    var out = [Float](repeating: 0, count: t.rowCount)
    if t.dtype == .f32 {
      // Straight from the map, one matrix-vector product.
      try withWeight(name, t.shape) { w in
        h.withUnsafeBufferPointer { x in
          out.withUnsafeMutableBufferPointer { o in
            guard let wp = w.baseAddress, let xp = x.baseAddress, let op = o.baseAddress else { return }
            Linalg.multiplyTransposed(xp, wp, m: 1, k: hiddenSize, n: t.rowCount, into: op)
          }
        }
      }
      return out
    }
    let block = 4096
    var buffer = [Float](repeating: 0, count: block * hiddenSize)
    var start = 0
    while start < t.rowCount {
      let n = min(block, t.rowCount - start)
      do {
        try buffer.withUnsafeMutableBufferPointer { b throws(CheckpointError) in try checkpoint.decodeRows(t, rows: start..<(start + n), into: b) }
      } catch { throw .decode(error.description) }
      buffer.withUnsafeBufferPointer { w in
        h.withUnsafeBufferPointer { x in
          out.withUnsafeMutableBufferPointer { o in
            guard let wp = w.baseAddress, let xp = x.baseAddress, let op = o.baseAddress else { return }
            Linalg.multiplyTransposed(xp, wp, m: 1, k: hiddenSize, n: n, into: op + start)
          }
        }
      }
      start += n
    }
    return out
  }

  /// Runs the prompt `tokens` through the model.
  public func forward(_ tokens: [Int]) throws(InferenceError) -> ForwardPass {
    try forward(batch: [tokens], logits: true)
  }

  /// Runs several independent prompts in one pass (their rows share every matrix product;
  /// attention and positions stay within each prompt). Hidden states and attention hold the
  /// prompts one after another; the logits are those after the last token of the last prompt
  /// (empty when `logits` is false).
  public func forward(batch: [[Int]], logits wantLogits: Bool) throws(InferenceError) -> ForwardPass {
    guard !batch.isEmpty, batch.allSatisfy({ !$0.isEmpty }) else { throw .emptyPrompt }
    for prompt in batch where prompt.count > contextLength { throw .tooLong(tokens: prompt.count, limit: contextLength) }
    var segments: [Range<Int>] = []
    var start = 0
    for prompt in batch {
      segments.append(start..<(start + prompt.count))
      start += prompt.count
    }
    let tokens = batch.flatMap { $0 }
    switch architecture {
    case .llama: return try llamaForward(tokens, segments: segments, logits: wantLogits)
    case .gpt2: return try gpt2Forward(tokens, segments: segments, logits: wantLogits)
    case .gemma3: return try gemmaForward(tokens, segments: segments, logits: wantLogits)
    }
  }
}
