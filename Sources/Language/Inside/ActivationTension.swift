public import Inference

/// A prompt's tension along a contrast direction, per layer and token, scored against a
/// reference set (the direction's negative prompts) instead of against the prompt itself.
///
/// The projection of the residual stream after block l on that layer's unit direction r̂_l
/// grows with depth (residual norms grow by one to two orders of magnitude) and is dominated
/// by a few "massive activations" on the first token and some delimiters (Sun et al. 2024):
/// min–max scaling over one prompt, as the seed notebook did, pins the first token at 1 and
/// every other token at 0. Here each projection becomes a z-score against the reference set's
/// projections at the same layer (their mean and standard deviation over the same kind of
/// positions), so layers are comparable, a token is tense only if it projects further than
/// the harmless prompts do, and the outlier positions are excluded (and reported) instead of
/// setting the scale.
public struct ActivationTension: Sendable, Hashable {
  /// A position left out of the scores, and why.
  public struct Exclusion: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Hashable, Codable {
      /// The sequence's first token (the attention sink; massive activations live there).
      case firstToken = "first_token"
      /// A token whose residual norm exceeds ``massiveFactor`` times the prompt's median at
      /// some layer.
      case massiveActivation = "massive_activation"
    }
    public var position: Int
    public var reason: Reason
    /// The largest ratio of its norm to the layer's median norm (over layers 1…L).
    public var normRatio: Double

    enum CodingKeys: String, CodingKey {
      case position, reason
      case normRatio = "norm_ratio"
    }
  }

  /// Mean and standard deviation per direction layer of a set of projections (hidden units;
  /// the residual stream's own scale).
  public struct Moments: Sendable, Hashable {
    public var mean: [Double]
    public var deviation: [Double]

    public init(mean: [Double], deviation: [Double]) {
      self.mean = mean
      self.deviation = deviation
    }

    /// Pooled over every prompt's positions: `projections[prompt][layer][k]`.
    public init(pooling projections: [[[Double]]]) {
      let L = projections.first?.count ?? 0
      var mean = [Double](repeating: 0, count: L)
      var deviation = mean
      for l in 0..<L {
        let values = projections.flatMap { $0[l] }
        let m = values.reduce(0, +) / Double(max(1, values.count))
        let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, values.count - 1))
        mean[l] = m
        deviation[l] = v.squareRoot()
      }
      self.init(mean: mean, deviation: deviation)
    }

    func z(_ x: Double, layer l: Int) -> Double {
      let m = l < mean.count ? mean[l] : 0
      let s = l < deviation.count ? max(deviation[l], 1e-12) : 1
      return (x - m) / s
    }
  }

  /// The reference set's distributions. The instruction's tokens (words of every sort) are
  /// pooled; the template's closing tokens are the same few tokens in every prompt, each with
  /// its own typical projection, so each closing offset has its own distribution (pooling them
  /// would measure how "\n" differs from "<|im_end|>", not how the prompts differ); and the
  /// prompt's tension (the mean projection over its closing tokens, where the direction is
  /// measured) is scored against the reference prompts' own means.
  public struct Reference: Sendable, Hashable {
    public var instruction: Moments
    /// By offset from the first closing token.
    public var closing: [Moments]
    public var prompt: Moments

    public init(instruction: Moments, closing: [Moments], prompt: Moments) {
      self.instruction = instruction
      self.closing = closing
      self.prompt = prompt
    }
  }

  /// A position is a massive activation when its residual norm is above this many times the
  /// median norm of the prompt's positions at some layer. Massive activations are reported at
  /// 100–10,000× the median (Sun et al. 2024). Measured on SmolLM2's 100 behaviours without the
  /// template: first tokens at 133–150×, one mid-prompt token at 154×, and every other token at
  /// most 11.6×; 50× sits between the two populations with a factor of about 3 to spare on
  /// each side (8× had excluded 14 ordinary tokens at 8.1–11.6×).
  public static let massiveFactor = 50.0

  /// Positions scored (0-based in the pass), in order.
  public var positions: [Int]
  /// `z[l][k]`: direction layer l (the residual stream after block l), scored position k;
  /// standard deviations of the reference set away from its mean (positive: towards the
  /// positive set).
  public var z: [[Double]]
  /// `projection[l][k]`: the raw projections, hidden units.
  public var projection: [[Double]]
  /// Positions of `candidates` left out, in order.
  public var excluded: [Exclusion]
  /// Per layer: the prompt's mean projection over its closing tokens as a z-score against the
  /// reference prompts' means (the tension of the prompt as a whole).
  public var promptZ: [Double]

  /// Scores the `instruction` and `closing` positions of `pass` (one prompt) on `directions`
  /// (unit vectors, one per block, hidden size each), each kind against its reference.
  public init(pass: ForwardPass, directions: [[Double]], instruction: [Int], closing: [Int], reference: Reference) {
    let (kept, excluded) = Self.screen(pass, candidates: instruction + closing)
    let projection = Self.project(pass, directions: directions, positions: kept)
    let moments = kept.map { t in
      closing.firstIndex(of: t).map { reference.closing.indices.contains($0) ? reference.closing[$0] : reference.instruction } ?? reference.instruction
    }
    self.positions = kept
    self.excluded = excluded
    self.projection = projection
    self.z = projection.enumerated().map { l, row in row.enumerated().map { k, x in moments[k].z(x, layer: l) } }
    // The prompt's tension: the mean over every closing token (kept or not: the direction was
    // measured so), against the reference prompts' means.
    let means = Self.project(pass, directions: directions, positions: closing).map { $0.reduce(0, +) / Double(max(1, $0.count)) }
    self.promptZ = means.enumerated().map { l, x in reference.prompt.z(x, layer: l) }
  }

  /// Splits `candidates` into the positions kept and those excluded (the first token, massive
  /// activations).
  public static func screen(_ pass: ForwardPass, candidates: [Int]) -> (kept: [Int], excluded: [Exclusion]) {
    let T = pass.tokens.count
    var ratio = [Double](repeating: 0, count: T)
    for l in 1...max(1, pass.layerCount) where l <= pass.layerCount {
      let norms = (0..<T).map { t in
        var sum = 0.0
        for v in pass.state(layer: l, token: t) { sum += Double(v) * Double(v) }
        return sum.squareRoot()
      }
      let sorted = norms.sorted()
      let median = T % 2 == 1 ? sorted[T / 2] : (sorted[T / 2 - 1] + sorted[T / 2]) / 2
      guard median > 0 else { continue }
      for t in 0..<T { ratio[t] = max(ratio[t], norms[t] / median) }
    }
    var kept: [Int] = []
    var excluded: [Exclusion] = []
    for t in candidates where (0..<T).contains(t) {
      if t == 0 {
        excluded.append(Exclusion(position: t, reason: .firstToken, normRatio: ratio[t]))
      } else if ratio[t] > massiveFactor {
        excluded.append(Exclusion(position: t, reason: .massiveActivation, normRatio: ratio[t]))
      } else {
        kept.append(t)
      }
    }
    return (kept, excluded)
  }

  /// `projection[l][k]` = state(l + 1, positions[k]) · directions[l], in Double.
  public static func project(_ pass: ForwardPass, directions: [[Double]], positions: [Int]) -> [[Double]] {
    directions.enumerated().map { l, r in
      positions.map { t in dot(pass.state(layer: l + 1, token: t), r) }
    }
  }

  /// `x · r` in Double (plain loops: debug builds run closures slowly).
  public static func dot(_ x: ArraySlice<Float>, _ r: [Double]) -> Double {
    x.withUnsafeBufferPointer { a in
      r.withUnsafeBufferPointer { b in
        var sum = 0.0
        for i in 0..<min(a.count, b.count) { sum += Double(a[i]) * b[i] }
        return sum
      }
    }
  }

}
