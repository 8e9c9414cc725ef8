import Foundation

/// Incremental decoding with a key–value cache: each block's keys (after RoPE) and values are
/// kept, so a new token costs one row of every product instead of a pass over the whole text.
public struct KeyValueCache: Sendable {
  /// Per layer, positions × kvHeads·headDim.
  var keys: [[Float]]
  var values: [[Float]]
  /// Tokens held.
  public internal(set) var count = 0

  init(layers: Int) {
    keys = Array(repeating: [], count: layers)
    values = Array(repeating: [], count: layers)
  }
}

/// A vector added to the residual stream after one block, at every position (activation
/// steering: COEF · r̂ for a contrast direction r̂).
public struct Steering: Sendable, Hashable {
  /// Layer l: after block l (0-based).
  public var layer: Int
  public var vector: [Float]

  public init(layer: Int, vector: [Float]) {
    self.layer = layer
    self.vector = vector
  }
}

extension LanguageModel {
  /// An empty cache for this model.
  public func makeCache() -> KeyValueCache { KeyValueCache(layers: layers) }

  /// Runs `tokens` after what `cache` holds (the prompt first, then one token at a time) and
  /// returns the next-token logits after the last of them. The arithmetic per token is the
  /// forward pass's (the same helpers for the projections and MLPs); attention reads the cached
  /// keys and values (Gemma 3's local layers only the last `window`). Llama family and Gemma 3.
  public func decode(_ tokens: [Int], cache: inout KeyValueCache, steering: Steering? = nil) throws(InferenceError) -> [Float] {
    guard !tokens.isEmpty else { throw .emptyPrompt }
    guard architecture != .gpt2 else { throw .unsupportedArchitecture("gpt2 (generation runs the Llama family and Gemma 3)") }
    let n = tokens.count, start = cache.count, d = hiddenSize, H = heads, G = keyValueHeads, D = headDimension
    guard start + n <= contextLength else { throw .tooLong(tokens: start + n, limit: contextLength) }
    var x = try embeddingRows(tokens, name: names.embedding)
    if let gemma { for i in x.indices { x[i] *= gemma.embeddingScale } }
    let segments = [0..<n]
    let globalTable = Kernels.RotaryTable(positions: start + n, headDim: D, base: ropeBase)
    let localTable = gemma.map { Kernels.RotaryTable(positions: start + n, headDim: D, base: $0.localRopeBase) }
    let scale = Float(1 / Double(D).squareRoot())
    for l in 0..<layers {
      let h = Kernels.rmsNorm(x, try weight(names.layer(l, "attn_norm"), [d]), width: d, epsilon: epsilon)
      var (q, k, v) = gemma == nil ? try llamaQKV(h, l, tokens: n) : try gemmaQKV(h, l, tokens: n)
      let local = gemma.map { !$0.isGlobal(l) } ?? false
      let table = local ? (localTable ?? globalTable) : globalTable
      Kernels.rope(&q, segments: segments, heads: H, headDim: D, table: table, interleaved: rotary == .interleaved, offset: start)
      Kernels.rope(&k, segments: segments, heads: G, headDim: D, table: table, interleaved: rotary == .interleaved, offset: start)
      cache.keys[l] += k
      cache.values[l] += v
      // Attention of each new token over the cache (itself included).
      var mixed = [Float](repeating: 0, count: n * H * D)
      let keys = cache.keys[l], values = cache.values[l]
      for i in 0..<n {
        let position = start + i
        let first = local ? max(0, position - (gemma?.window ?? .max) + 1) : 0
        for hd in 0..<H {
          let g = hd / (H / G)
          var scores = [Double](repeating: 0, count: position - first + 1)
          var m = -Double.infinity
          for s in first...position {
            var dot: Float = 0
            for j in 0..<D { dot += q[(i * H + hd) * D + j] * keys[(s * G + g) * D + j] }
            scores[s - first] = Double(dot * scale)
            m = max(m, scores[s - first])
          }
          var sum = 0.0
          for s in scores.indices {
            scores[s] = Foundation.exp(scores[s] - m)
            sum += scores[s]
          }
          for s in first...position {
            let p = Float(scores[s - first] / sum)
            for j in 0..<D { mixed[(i * H + hd) * D + j] += p * values[(s * G + g) * D + j] }
          }
        }
      }
      var o = try project(mixed, l, "o", [d, H * D], tokens: n)
      if gemma != nil { o = Kernels.rmsNorm(o, try weight(names.layer(l, "post_attention_norm"), [d]), width: d, epsilon: epsilon) }
      Kernels.add(o, to: &x)
      Kernels.add(gemma == nil ? try llamaMLP(x, l, tokens: n).out : try gemmaMLP(x, l, tokens: n).out, to: &x)
      if let steering, steering.layer == l, steering.vector.count == d {
        for t in 0..<n { for j in 0..<d { x[t * d + j] += steering.vector[j] } }
      }
      guard x.allSatisfy(\.isFinite) else { throw .notFinite(layer: l) }
    }
    cache.count += n
    let last = Array(x[((n - 1) * d)...])
    return try logits(Kernels.rmsNorm(last, try weight(names.finalNorm, [d]), width: d, epsilon: epsilon))
  }
}
