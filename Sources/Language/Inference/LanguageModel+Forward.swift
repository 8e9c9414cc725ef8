import Checkpoint
import Linalg

extension LanguageModel {
  /// `x · Wᵀ` for the layer's matrix `part` of shape [output, input].
  func project(_ x: [Float], _ l: Int, _ part: String, _ shape: [Int], tokens: Int) throws(InferenceError) -> [Float] {
    if let packed = store?.packed[names.layer(l, part)] { return Kernels.linear(x, packed, tokens: tokens) }
    return try withWeight(names.layer(l, part), shape) { w in Kernels.linear(x, w, tokens: tokens, input: shape[1], output: shape[0]) }
  }

  /// What a pass keeps block by block: the residual stream after each (index 0: the
  /// embedding), each block's attention and its MLP's sparsity.
  struct Record {
    var states: [[Float]]
    var attention: [[Float]] = []
    var sparsity: [[Float]] = []

    init(embedding x: [Float]) { states = [x] }

    /// Closes block `l`: its residual stream `x` (which must be finite), attention and sparsity.
    mutating func close(_ l: Int, residual x: [Float], attention p: [Float], sparsity s: [Float]) throws(InferenceError) {
      guard x.allSatisfy(\.isFinite) else { throw .notFinite(layer: l) }
      states.append(x)
      attention.append(p)
      sparsity.append(s)
    }
  }

  /// The pass's record: the hidden states, the attention, and (when wanted) the logits after
  /// the last token through the final RMSNorm.
  func pass(_ tokens: [Int], segments: [Range<Int>], record: Record, logits wantLogits: Bool) throws(InferenceError) -> ForwardPass {
    let d = hiddenSize, T = tokens.count
    let (states, attention, sparsity) = (record.states, record.attention, record.sparsity)
    let x = states.last ?? []
    let last = Array(x[((T - 1) * d)...])
    let normed = Kernels.rmsNorm(last, try weight(names.finalNorm, [d]), width: d, epsilon: epsilon)
    return ForwardPass(
      tokens: tokens, segments: segments, hiddenSize: d, heads: heads, hiddenStates: states, attention: attention, mlpSparsity: sparsity,
      logits: wantLogits ? try logits(normed) : [])
  }

  /// A Llama block's q, k and v for `tokens` normalised rows (fused when preloaded).
  func llamaQKV(_ h: [Float], _ l: Int, tokens T: Int) throws(InferenceError) -> ([Float], [Float], [Float]) {
    let d = hiddenSize, H = heads, G = keyValueHeads, D = headDimension
    if let packed = store?.packed["fused.qkv.\(l)"] {
      return Kernels.splitColumns(Kernels.linear(h, packed, tokens: T), rows: T, widths: (H * D, G * D, G * D))
    }
    if let fused = store?.weights["fused.qkv.\(l)"] {
      // One product for q, k and v (preloaded models): split the columns afterwards.
      let width = (H + 2 * G) * D
      let qkv = fused.withUnsafeBufferPointer { Kernels.linear(h, $0, tokens: T, input: d, output: width) }
      return Kernels.splitColumns(qkv, rows: T, widths: (H * D, G * D, G * D))
    }
    return (try project(h, l, "q", [H * D, d], tokens: T), try project(h, l, "k", [G * D, d], tokens: T), try project(h, l, "v", [G * D, d], tokens: T))
  }

  /// A Llama block's MLP on the residual `x` (`tokens` rows): RMSNorm, SwiGLU, down; and the
  /// sparsity of its gated activation per token (``Kernels/smallFraction(_:rows:width:)``)
  /// when `measuring`.
  func llamaMLP(_ x: [Float], _ l: Int, tokens T: Int, measuring: Bool = false) throws(InferenceError) -> (out: [Float], sparsity: [Float]) {
    let d = hiddenSize
    let h2 = Kernels.rmsNorm(x, try weight(names.layer(l, "ffn_norm"), [d]), width: d, epsilon: epsilon)
    guard let gateInfo = checkpoint.tensor(named: names.layer(l, "gate")) else { throw .missingTensor(names.layer(l, "gate")) }
    let f = gateInfo.shape.first ?? 0
    var a: [Float]
    if let gu = store?.packed["fused.gateup.\(l)"].map({ Kernels.linear(h2, $0, tokens: T) })
      ?? store?.weights["fused.gateup.\(l)"]?.withUnsafeBufferPointer({ Kernels.linear(h2, $0, tokens: T, input: d, output: 2 * f) })
    {
      a = Kernels.swiGLU(gu, tokens: T, width: f)
    } else {
      a = [Float](repeating: 0, count: T * f)
      let gate = try project(h2, l, "gate", [f, d], tokens: T)
      let up = try project(h2, l, "up", [f, d], tokens: T)
      for i in a.indices { a[i] = Kernels.silu(gate[i]) * up[i] }
    }
    return (try project(a, l, "down", [d, f], tokens: T), measuring ? Kernels.smallFraction(a, rows: T, width: f) : [])
  }

  /// A Gemma 3 block's q (normalised per head), k (likewise) and v, before RoPE.
  func gemmaQKV(_ h: [Float], _ l: Int, tokens T: Int) throws(InferenceError) -> ([Float], [Float], [Float]) {
    let d = hiddenSize, H = heads, G = keyValueHeads, D = headDimension
    let q = Kernels.rmsNorm(try project(h, l, "q", [H * D, d], tokens: T), try weight(names.layer(l, "q_norm"), [D]), width: D, epsilon: epsilon)
    let k = Kernels.rmsNorm(try project(h, l, "k", [G * D, d], tokens: T), try weight(names.layer(l, "k_norm"), [D]), width: D, epsilon: epsilon)
    return (q, k, try project(h, l, "v", [G * D, d], tokens: T))
  }

  /// A Gemma 3 block's MLP on the residual `x`: RMSNorm, GELU(tanh)(gate) · up, down, RMSNorm;
  /// and its activation's sparsity per token when `measuring`.
  func gemmaMLP(_ x: [Float], _ l: Int, tokens T: Int, measuring: Bool = false) throws(InferenceError) -> (out: [Float], sparsity: [Float]) {
    let d = hiddenSize
    let h2 = Kernels.rmsNorm(x, try weight(names.layer(l, "ffn_norm"), [d]), width: d, epsilon: epsilon)
    guard let gateInfo = checkpoint.tensor(named: names.layer(l, "gate")) else { throw .missingTensor(names.layer(l, "gate")) }
    let f = gateInfo.shape.first ?? 0
    let gate = try project(h2, l, "gate", [f, d], tokens: T)
    let up = try project(h2, l, "up", [f, d], tokens: T)
    var a = [Float](repeating: 0, count: T * f)
    for i in a.indices { a[i] = Kernels.geluNew(gate[i]) * up[i] }
    let sparsity = measuring ? Kernels.smallFraction(a, rows: T, width: f) : []
    let down = try project(a, l, "down", [d, f], tokens: T)
    return (Kernels.rmsNorm(down, try weight(names.layer(l, "post_ffw_norm"), [d]), width: d, epsilon: epsilon), sparsity)
  }

  func llamaForward(_ tokens: [Int], segments: [Range<Int>], logits wantLogits: Bool) throws(InferenceError) -> ForwardPass {
    let T = tokens.count
    let d = hiddenSize
    let H = heads
    let G = keyValueHeads
    let D = headDimension
    var x = try embeddingRows(tokens, name: names.embedding)
    var record = Record(embedding: x)
    let rotaryTable = Kernels.RotaryTable(positions: segments.map(\.count).max() ?? 0, headDim: D, base: ropeBase)
    for l in 0..<layers {
      let n1 = try weight(names.layer(l, "attn_norm"), [d])
      let h = Kernels.rmsNorm(x, n1, width: d, epsilon: epsilon)
      var (q, k, v) = try llamaQKV(h, l, tokens: T)
      Kernels.rope(&q, segments: segments, heads: H, headDim: D, table: rotaryTable, interleaved: rotary == .interleaved)
      Kernels.rope(&k, segments: segments, heads: G, headDim: D, table: rotaryTable, interleaved: rotary == .interleaved)
      let (mixed, p) = Kernels.attention(q: q, k: k, v: v, segments: segments, heads: H, kvHeads: G, headDim: D)
      Kernels.add(try project(mixed, l, "o", [d, H * D], tokens: T), to: &x)
      let mlp = try llamaMLP(x, l, tokens: T, measuring: true)
      Kernels.add(mlp.out, to: &x)
      try record.close(l, residual: x, attention: p, sparsity: mlp.sparsity)
    }
    return try pass(tokens, segments: segments, record: record, logits: wantLogits)
  }

  /// Gemma 3 (see ``Gemma``): per block, RMSNorm → q, k, v; q and k RMS-normalised per head;
  /// RoPE (rotate-half; the local base on sliding-window layers); attention (a window of
  /// ``Gemma/window`` keys on local layers); the output projection, RMS-normalised, added to the
  /// residual; RMSNorm → GELU(tanh)(gate) · up → down, RMS-normalised, added. Embeddings are
  /// scaled by √hidden; the output is tied to the embedding.
  func gemmaForward(_ tokens: [Int], segments: [Range<Int>], logits wantLogits: Bool) throws(InferenceError) -> ForwardPass {
    guard let gemma else { throw .unsupportedArchitecture("gemma3 without its settings") }
    let T = tokens.count, d = hiddenSize, H = heads, G = keyValueHeads, D = headDimension
    var x = try embeddingRows(tokens, name: names.embedding)
    for i in x.indices { x[i] *= gemma.embeddingScale }
    var record = Record(embedding: x)
    let longest = segments.map(\.count).max() ?? 0
    let globalTable = Kernels.RotaryTable(positions: longest, headDim: D, base: ropeBase)
    let localTable = Kernels.RotaryTable(positions: longest, headDim: D, base: gemma.localRopeBase)
    for l in 0..<layers {
      let global = gemma.isGlobal(l)
      let h = Kernels.rmsNorm(x, try weight(names.layer(l, "attn_norm"), [d]), width: d, epsilon: epsilon)
      var (q, k, v) = try gemmaQKV(h, l, tokens: T)
      let table = global ? globalTable : localTable
      Kernels.rope(&q, segments: segments, heads: H, headDim: D, table: table, interleaved: false)
      Kernels.rope(&k, segments: segments, heads: G, headDim: D, table: table, interleaved: false)
      let (mixed, p) = Kernels.attention(q: q, k: k, v: v, segments: segments, heads: H, kvHeads: G, headDim: D, window: global ? .max : gemma.window)
      let o = try project(mixed, l, "o", [d, H * D], tokens: T)
      Kernels.add(Kernels.rmsNorm(o, try weight(names.layer(l, "post_attention_norm"), [d]), width: d, epsilon: epsilon), to: &x)
      let mlp = try gemmaMLP(x, l, tokens: T, measuring: true)
      Kernels.add(mlp.out, to: &x)
      try record.close(l, residual: x, attention: p, sparsity: mlp.sparsity)
    }
    return try pass(tokens, segments: segments, record: record, logits: wantLogits)
  }

  func gpt2Forward(_ tokens: [Int], segments: [Range<Int>], logits wantLogits: Bool) throws(InferenceError) -> ForwardPass {
    let T = tokens.count
    let d = hiddenSize
    let H = heads
    let D = headDimension
    var x = try embeddingRows(tokens, name: names.embedding)
    if let positions = names.positions {
      let p = try embeddingRows(segments.flatMap { Array(0..<$0.count) }, name: positions)
      for i in x.indices { x[i] += p[i] }
    }
    var record = Record(embedding: x)
    func w(_ l: Int, _ part: String, _ shape: [Int]) throws(InferenceError) -> [Float] { try weight(names.layer(l, part), shape) }
    for l in 0..<layers {
      let h = Kernels.layerNorm(x, try w(l, "ln_1.weight", [d]), try w(l, "ln_1.bias", [d]), width: d, epsilon: epsilon)
      let qkv = Kernels.conv1D(
        h, try w(l, "attn.c_attn.weight", [d, 3 * d]), try w(l, "attn.c_attn.bias", [3 * d]), tokens: T, input: d, output: 3 * d)
      var q = [Float](repeating: 0, count: T * d)
      var k = q
      var v = q
      for t in 0..<T {
        for i in 0..<d {
          q[t * d + i] = qkv[t * 3 * d + i]
          k[t * d + i] = qkv[t * 3 * d + d + i]
          v[t * d + i] = qkv[t * 3 * d + 2 * d + i]
        }
      }
      let (mixed, p) = Kernels.attention(q: q, k: k, v: v, segments: segments, heads: H, kvHeads: H, headDim: D)
      let o = Kernels.conv1D(mixed, try w(l, "attn.c_proj.weight", [d, d]), try w(l, "attn.c_proj.bias", [d]), tokens: T, input: d, output: d)
      for i in x.indices { x[i] += o[i] }
      let h2 = Kernels.layerNorm(x, try w(l, "ln_2.weight", [d]), try w(l, "ln_2.bias", [d]), width: d, epsilon: epsilon)
      var f = Kernels.conv1D(h2, try w(l, "mlp.c_fc.weight", [d, 4 * d]), try w(l, "mlp.c_fc.bias", [4 * d]), tokens: T, input: d, output: 4 * d)
      for i in f.indices { f[i] = Kernels.geluNew(f[i]) }
      let sparsity = Kernels.smallFraction(f, rows: T, width: 4 * d)
      let down = Kernels.conv1D(f, try w(l, "mlp.c_proj.weight", [4 * d, d]), try w(l, "mlp.c_proj.bias", [d]), tokens: T, input: 4 * d, output: d)
      for i in x.indices { x[i] += down[i] }
      try record.close(l, residual: x, attention: p, sparsity: sparsity)
    }
    let last = Array(x[((T - 1) * d)...])
    let normed = Kernels.layerNorm(last, try weight(names.finalNorm, [d]), try weight(names.finalNormBias ?? "", [d]), width: d, epsilon: epsilon)
    return ForwardPass(
      tokens: tokens, segments: segments, hiddenSize: d, heads: H, hiddenStates: record.states, attention: record.attention,
      mlpSparsity: record.sparsity, logits: wantLogits ? try logits(normed) : [])
  }
}

extension LanguageModel {
  /// The logit lens: the final norm, its statistics computed on each row itself, and the
  /// unembedding applied to `rows` hidden vectors (`states` row-major, `rows × hiddenSize`, e.g.
  /// ``ForwardPass/hiddenStates``[l]), as the model applies them to its last layer. Returns
  /// `rows × vocabularySize` logits. The norm's statistics are recomputed per row because an
  /// inner layer's residual has its own scale (reusing the last layer's would mis-scale it).
  public func unembed(_ states: [Float], rows: Int) throws(InferenceError) -> [Float] {
    let d = hiddenSize
    guard rows > 0, states.count == rows * d else { return [] }
    let normed: [Float]
    switch architecture {
    case .gpt2:
      normed = Kernels.layerNorm(states, try weight(names.finalNorm, [d]), try weight(names.finalNormBias ?? "", [d]), width: d, epsilon: epsilon)
    case .llama, .gemma3:
      normed = Kernels.rmsNorm(states, try weight(names.finalNorm, [d]), width: d, epsilon: epsilon)
    }
    if let packed = store?.packed["logits"], packed.columns == d { return Kernels.linear(normed, packed, tokens: rows) }
    var out: [Float] = []
    out.reserveCapacity(rows * vocabularySize)
    for r in 0..<rows { out += try logits(Array(normed[(r * d)..<((r + 1) * d)])) }
    return out
  }
}

extension LanguageModel {
  /// Rows of the token embedding (the input embedding, before any position embedding or
  /// scaling), `ids.count × hiddenSize` row-major f32, in the order of `ids`.
  public func embeddingRows(_ ids: [Int]) throws(InferenceError) -> [Float] {
    let d = hiddenSize, v = vocabularySize
    return try withWeight(names.embedding, [v, d]) { (e: UnsafeBufferPointer<Float>) throws(InferenceError) -> [Float] in
      var out = [Float](repeating: 0, count: ids.count * d)
      for (r, id) in ids.enumerated() {
        guard id >= 0, id < v else { throw .tokenOutOfRange(id, vocabulary: v) }
        for i in 0..<d { out[r * d + i] = e[id * d + i] }
      }
      return out
    }
  }
}
