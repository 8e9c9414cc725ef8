import Foundation
public import Inference

/// The logit lens (nostalgebraist 2020) over one forward pass: at every layer and position, the
/// final norm (its statistics recomputed on that layer's residual, see
/// ``Inference/LanguageModel/unembed(_:rows:)``) and the unembedding applied to the residual
/// stream after that block, softmaxed in Double.
///
/// Layer l is block l, 0-based: entry l reads the residual stream after block l, so the last
/// entry is the model's own output.
public struct LogitLens: Sendable {
  /// One layer and position.
  public struct Reading: Sendable, Hashable {
    /// The top token and its probability (0…1).
    public var top: Int
    public var probability: Double
    /// The final answer's rank in this layer's distribution (0 = top) and its probability;
    /// the final answer is the last layer's top token at the same position.
    public var answerRank: Int
    public var answerProbability: Double
  }

  /// [layer][position].
  public let readings: [[Reading]]
  /// Per position, the ten likeliest next tokens of the last layer (ties by lower id).
  public let next: [[(token: Int, probability: Double)]]
  /// Per position, the first layer from which the top token is the final answer at every later
  /// layer: where the model makes up its mind.
  public let settles: [Int]

  public var layers: Int { readings.count }

  /// Reads the lens of `pass` (a single prompt) through `model`'s final norm and unembedding;
  /// `progress(layer)` after each layer.
  public init(model: LanguageModel, pass: ForwardPass, progress: (Int) throws -> Void = { _ in }) throws {
    let T = pass.tokens.count, L = pass.layerCount
    var answers = [Int](repeating: 0, count: T)
    var done = 0
    // The last layer first: its top tokens are the answers the other layers are ranked on.
    var order = Array(0..<L)
    order.insert(order.removeLast(), at: 0)
    var readings = [[Reading]](repeating: [], count: L)
    var next: [[(token: Int, probability: Double)]] = []
    for l in order {
      let logits = try model.unembed(pass.hiddenStates[l + 1], rows: T)
      let V = logits.count / T
      var row: [Reading] = []
      for t in 0..<T {
        let p = Self.softmax(logits[(t * V)..<((t + 1) * V)])
        var top = 0
        for i in p.indices where p[i] > p[top] { top = i }
        if l == L - 1 {
          answers[t] = top
          let best = p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }.prefix(10)
          next.append(best.map { ($0, p[$0]) })
        }
        let a = answers[t]
        var rank = 0
        for x in p where x > p[a] { rank += 1 }
        row.append(Reading(top: top, probability: p[top], answerRank: rank, answerProbability: p[a]))
      }
      readings[l] = row
      done += 1
      try progress(done)
    }
    self.readings = readings
    self.next = next
    settles = (0..<T).map { t in
      var layer = L - 1
      while layer > 0 && readings[layer - 1][t].top == readings[L - 1][t].top { layer -= 1 }
      return layer
    }
  }

  static func softmax(_ logits: ArraySlice<Float>) -> [Double] {
    let m = Double(logits.max() ?? 0)
    var p = logits.map { Foundation.exp(Double($0) - m) }
    let s = p.reduce(0, +)
    for i in p.indices { p[i] /= s }
    return p
  }
}
