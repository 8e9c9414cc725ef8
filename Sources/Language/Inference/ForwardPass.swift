/// What one forward pass over a prompt recorded.
///
/// Hidden states follow the Hugging Face convention minus its final norm: index 0 is the
/// embedding output (token plus position embedding for GPT-2), index l the residual stream
/// after block l (1…layers), none of them normalised.
public struct ForwardPass: Sendable {
  public let tokens: [Int]
  /// The rows of each prompt of a batch (one range for a single prompt).
  public let segments: [Range<Int>]
  public let hiddenSize: Int
  public let heads: Int
  /// `hiddenStates[l][t * hiddenSize + i]`, l in 0…layers.
  public let hiddenStates: [[Float]]
  /// Per layer, per prompt segment in order: `heads × n × n` probabilities of that segment
  /// (n its length), concatenated; for a single prompt `attention[l][(h * T + t) * T + s]` is
  /// how much token t attends to token s ≤ t in head h (each row sums to 1).
  public let attention: [[Float]]
  /// Per block l (0-based), per token: the fraction of the MLP's activations (after the
  /// gate or GELU, before the down projection) smaller in magnitude than a tenth of their
  /// root mean square, in [0, 1]: how few units carry the token (the album's celesta).
  public let mlpSparsity: [[Float]]
  /// The next-token logits after the last prompt token (vocabulary size).
  public let logits: [Float]

  public init(
    tokens: [Int], segments: [Range<Int>], hiddenSize: Int, heads: Int, hiddenStates: [[Float]], attention: [[Float]], mlpSparsity: [[Float]] = [],
    logits: [Float]
  ) {
    self.tokens = tokens
    self.segments = segments
    self.hiddenSize = hiddenSize
    self.heads = heads
    self.hiddenStates = hiddenStates
    self.attention = attention
    self.mlpSparsity = mlpSparsity
    self.logits = logits
  }

  public var layerCount: Int { hiddenStates.count - 1 }

  /// Attention of token t (0-based inside the single prompt) in head h of layer l: the row
  /// over tokens 0…t.
  public func attentionRow(layer l: Int, head h: Int, token t: Int) -> ArraySlice<Float> {
    let n = tokens.count
    return attention[l][((h * n + t) * n)..<((h * n + t) * n + t + 1)]
  }

  /// The hidden state of token `t` at layer `l`.
  public func state(layer l: Int, token t: Int) -> ArraySlice<Float> {
    hiddenStates[l][(t * hiddenSize)..<((t + 1) * hiddenSize)]
  }

  /// Next-token probabilities (softmax of the logits, computed in Double).
  public var probabilities: [Double] {
    let m = logits.max() ?? 0
    let e = logits.map { exp(Double($0 - m)) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
  }

  /// The `k` most likely next tokens, best first (ties by lower id).
  public func top(_ k: Int) -> [(token: Int, probability: Double)] {
    let p = probabilities
    return p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }.prefix(k).map { ($0, p[$0]) }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
