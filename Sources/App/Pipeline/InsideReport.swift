import Checkpoint
import Foundation
public import Inference
import MusicTokens
import ScoreReaders
import Tokenizer
import Training

/// What happens inside one forward pass: the next-token lists, every attention map and the
/// logit lens (`eigentone report`'s numbers; `--json` writes them as they are here).
///
/// Layer indexing: entry l of `attention`, `logit_lens` and `layer_flow` is block l
/// (0-based); the lens at l reads the residual stream after block l, so its last entry is
/// the model's own output.
public struct InsideReport: Sendable, Codable {
  public struct Candidate: Sendable, Codable, Hashable {
    public var token: String
    public var id: Int
    public var probability: Double
  }

  public struct LensEntry: Sendable, Codable, Hashable {
    /// The top token at this layer and position, and its probability.
    public var token: String
    public var id: Int
    public var probability: Double
    /// Rank (0 = top) and probability of the final answer (the last layer's top token).
    public var answerRank: Int
    public var answerProbability: Double

    enum CodingKeys: String, CodingKey {
      case token, id, probability
      case answerRank = "answer_rank"
      case answerProbability = "answer_probability"
    }
  }

  public var model: String
  public var architecture: String
  public var layers: Int
  public var heads: Int
  /// The prompt's tokens as decoded text (" capital") or event names (NOTE_ON_60).
  public var tokens: [String]
  public var ids: [Int]
  /// Per position, the ten likeliest next tokens.
  public var nextToken: [[Candidate]]
  /// [layer][head][query][key] probabilities (0 right of the diagonal).
  public var attention: [[[[Float]]]]
  /// [layer][position].
  public var logitLens: [[LensEntry]]
  /// Per position, the first layer from which the top token is the final answer at every
  /// later layer ("where the model makes up its mind").
  public var settles: [Int]
  /// [layer][key]: attention from the last token, averaged over the heads.
  public var layerFlow: [[Float]]

  enum CodingKeys: String, CodingKey {
    case model, architecture, layers, heads, tokens, ids, attention, settles
    case nextToken = "next_token"
    case logitLens = "logit_lens"
    case layerFlow = "layer_flow"
  }

  /// The longest prompt a report takes (its attention maps grow with the square).
  public static let maximumTokens = 128
}

/// `eigentone report`: a page (and the numbers) of what happens inside a forward pass.
public struct ReportRequest: Sendable {
  public enum Prompt: Sendable, Hashable {
    case text(String)
    /// A score file for a music model `eigentone train` made.
    case score(String)
  }

  public var model: String
  public var prompt: Prompt

  public init(model: String, prompt: Prompt) {
    self.model = model
    self.prompt = prompt
  }

  /// The prompt's ids and a name for every id.
  func tokenize(_ models: any ModelSource, folder: String) throws -> (ids: [Int], name: (Int) -> String) {
    switch prompt {
    case .text(let text):
      guard !text.isEmpty else { throw PipelineError.badRequest("the prompt is empty") }
      let tokenizer = try models.tokenizer(model)
      return (tokenizer.encode(text), { tokenizer.text(of: $0) })
    case .score(let path):
      let (_, vocabulary) = try ModelFolder.describe(folder)
      let (piece, _) = try MusicInput.piece(path, tune: nil)
      var ids = ScoreTokenizer(vocabulary: vocabulary).encode(piece.score)
      if ids.last == EventVocabulary.eos { ids.removeLast() }
      return (ids, { vocabulary.name($0) })
    }
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> InsideReport {
    let checkpoint = try models.checkpoint(model)
    var lm = try LanguageModel(checkpoint: checkpoint)
    let folder = (checkpoint.location as NSString).deletingLastPathComponent
    var (ids, name) = try tokenize(models, folder: folder)
    guard !ids.isEmpty else { throw PipelineError.badRequest("the prompt gives no tokens") }
    ids = Array(ids.prefix(min(InsideReport.maximumTokens, lm.contextLength)))
    try progress.stage("loading the model", at: 0)
    if lm.architecture == .llama { lm = try lm.preloaded() }
    try progress.stage("forward pass", at: 0.3)
    let pass = try lm.forward(ids)
    let T = ids.count, L = pass.layerCount, H = pass.heads
    try progress.stage("logit lens", at: 0.5)
    var lens: [[(top: Int, p: Double, probabilities: [Double])]] = []
    for l in 0..<L {
      let logits = try lm.unembed(pass.hiddenStates[l + 1], rows: T)
      let V = logits.count / T
      var row: [(Int, Double, [Double])] = []
      for t in 0..<T {
        let slice = logits[(t * V)..<((t + 1) * V)]
        let m = Double(slice.max() ?? 0)
        var p = slice.map { exp(Double($0) - m) }
        let s = p.reduce(0, +)
        for i in p.indices { p[i] /= s }
        var top = 0
        for i in p.indices where p[i] > p[top] { top = i }
        row.append((top, p[top], p))
      }
      lens.append(row)
      progress.update(l + 1, of: L, from: 0.5, to: 0.9, item: "layer \(l)")
    }
    var logitLens: [[InsideReport.LensEntry]] = []
    for l in 0..<L {
      logitLens.append(
        (0..<T).map { t in
          let answer = lens[L - 1][t].top
          let p = lens[l][t].probabilities
          let rank = p.filter { $0 > p[answer] }.count
          return InsideReport.LensEntry(
            token: name(lens[l][t].top), id: lens[l][t].top, probability: lens[l][t].p, answerRank: rank, answerProbability: p[answer])
        })
    }
    let nextToken: [[InsideReport.Candidate]] = (0..<T).map { t in
      let p = lens[L - 1][t].probabilities
      let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
      return order.prefix(10).map { InsideReport.Candidate(token: name($0), id: $0, probability: p[$0]) }
    }
    let settles: [Int] = (0..<T).map { t in
      var layer = L - 1
      while layer > 0 && lens[layer - 1][t].top == lens[L - 1][t].top { layer -= 1 }
      return layer
    }
    var attention: [[[[Float]]]] = []
    var flow: [[Float]] = []
    for l in 0..<L {
      var heads: [[[Float]]] = []
      var mean = [Float](repeating: 0, count: T)
      for h in 0..<H {
        var rows: [[Float]] = []
        for q in 0..<T {
          var r = [Float](repeating: 0, count: T)
          for (k, v) in pass.attentionRow(layer: l, head: h, token: q).enumerated() { r[k] = v }
          rows.append(r)
        }
        for k in 0..<T { mean[k] += rows[T - 1][k] / Float(H) }
        heads.append(rows)
      }
      attention.append(heads)
      flow.append(mean)
    }
    return InsideReport(
      model: model, architecture: lm.architecture.rawValue, layers: L, heads: H, tokens: ids.map(name), ids: ids, nextToken: nextToken,
      attention: attention, logitLens: logitLens, settles: settles, layerFlow: flow)
  }
}
