import Inference
import Inside
import Testing

/// The album's tension on constructed passes with known answers.
@Suite("Inside: tension against a reference set")
struct TensionTests {
  /// A 1-layer pass over 5 tokens in 4 dimensions: token t's state after the block is
  /// `rows[t]`; the embedding layer is zero.
  static func pass(_ rows: [[Float]]) -> ForwardPass {
    let d = rows[0].count
    return ForwardPass(
      tokens: Array(0..<rows.count), segments: [0..<rows.count], hiddenSize: d, heads: 1,
      hiddenStates: [[Float](repeating: 0, count: rows.count * d), rows.flatMap { $0 }], attention: [[]], logits: [])
  }

  /// The first token (the attention sink) is excluded as the first token, a later massive
  /// token for its norm, and every other token scored against its own kind of reference: the
  /// instruction tokens against (mean 1, sd 2), closing token k against its own moments; the
  /// prompt's tension is its closing mean against the reference prompts' means.
  @Test func zScoresAgainstTheReferenceWithOutliersExcluded() {
    let rows: [[Float]] = [
      [1000, 0, 0, 0],  // first token: massive
      [3, 1, 0, 0],  // instruction: projection 3
      [1, 0, 5, 0],  // instruction: projection 1
      [0, 0, 0, 900],  // a massive delimiter (norm 900 against a median of 5)
      [5, 0, 0, 0],  // closing 0: projection 5
      [2, 0, 0, 1],  // closing 1: projection 2
    ]
    let r: [Double] = [1, 0, 0, 0]
    let reference = ActivationTension.Reference(
      instruction: .init(mean: [1], deviation: [2]), closing: [.init(mean: [1], deviation: [1]), .init(mean: [4], deviation: [0.5])],
      prompt: .init(mean: [2], deviation: [0.5]))
    let t = ActivationTension(pass: Self.pass(rows), directions: [r], instruction: [0, 1, 2, 3], closing: [4, 5], reference: reference)
    #expect(t.positions == [1, 2, 4, 5])
    #expect(t.excluded.map(\.position) == [0, 3])
    #expect(t.excluded.map(\.reason) == [.firstToken, .massiveActivation])
    #expect(t.excluded[1].normRatio > ActivationTension.massiveFactor)
    #expect(t.projection == [[3, 1, 5, 2]])
    #expect(t.z == [[1, 0, 4, -4]])
    // (5 + 2) / 2 = 3.5 against mean 2, sd 0.5.
    #expect(t.promptZ == [3])
  }

  /// Moments pooled over prompts: the unbiased standard deviation of every value of a layer.
  @Test func pooledMoments() {
    let m = ActivationTension.Moments(pooling: [[[1, 2], [10]], [[3], [10, 10]]])
    #expect(m.mean == [2, 10])
    #expect(m.deviation == [1, 0])
  }

  /// Nothing pins: a prompt whose states are all alike is scored 0 everywhere, not stretched
  /// to [0, 1] as min–max scaling would.
  @Test func aPromptLikeTheReferenceScoresZero() {
    let rows: [[Float]] = Array(repeating: [1, 1, 0, 0], count: 4)
    let reference = ActivationTension.Reference(
      instruction: .init(mean: [1], deviation: [1]), closing: [.init(mean: [1], deviation: [1])], prompt: .init(mean: [1], deviation: [1]))
    let t = ActivationTension(pass: Self.pass(rows), directions: [[1, 0, 0, 0]], instruction: [1, 2], closing: [3], reference: reference)
    #expect(t.z == [[0, 0, 0]] && t.promptZ == [0] && t.excluded.map(\.position).isEmpty)
  }
}
