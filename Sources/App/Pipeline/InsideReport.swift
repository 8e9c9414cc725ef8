public import Inside

/// What happens inside one forward pass: the embedding maps, the next-token lists, every
/// attention map, the heads' habits and the logit lens (`eigentone report`'s numbers; `--json`
/// writes them as they are here).
///
/// Layer indexing: entry l of `attention`, `logit_lens`, `layer_flow` and `head_profile.mass`
/// is block l (0-based); the lens at l reads the residual stream after block l, so its last
/// entry is the model's own output.
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

  /// One model's token embeddings in the plane.
  public struct Projection: Sendable, Codable, Hashable {
    /// [token][2]: coordinates on the first two principal axes (fitted on the vocabulary, or on
    /// 8,192 evenly spaced rows of a larger one: ``Inside/PrincipalComponents/sampleRows(_:)``),
    /// for the tokens of ``EmbeddingFigures/ids``.
    public var pca: [[Double]]
    /// Share of the variance each of the two axes explains (0…1).
    public var explained: [Double]
    /// [token][2]: the seeded neighbour embedding (exact t-SNE) of the same tokens.
    public var neighbour: [[Double]]
    /// The neighbour embedding's final KL(P‖Q), nats.
    public var divergence: Double
  }

  /// §1–2: the trained model's token embeddings beside an untrained twin's.
  public struct EmbeddingFigures: Sendable, Codable, Hashable {
    /// The tokens shown (the whole vocabulary when it is small, else ``Inside/EmbeddingSubset``),
    /// sorted by category, then id.
    public var ids: [Int]
    public var tokens: [String]
    public var categories: [TokenCategory]
    public var vocabulary: Int
    public var width: Int
    /// How the tokens were chosen, in words.
    public var subset: String
    /// The untrained twin: the same shape, initialised by `initialization` with `seed`.
    public var untrainedSeed: UInt64
    public var untrainedInitialization: String
    public var trained: Projection
    public var untrained: Projection
    /// The heatmaps' shared colour scale: values from −scale to +scale (the 99.5th percentile
    /// of |value| over both models' shown rows).
    public var heatmapScale: Double

    enum CodingKeys: String, CodingKey {
      case ids, tokens, categories, vocabulary, width, subset, trained, untrained
      case untrainedSeed = "untrained_seed"
      case untrainedInitialization = "untrained_initialization"
      case heatmapScale = "heatmap_scale"
    }
  }

  /// §5: each head's attention mass by key class, averaged over sample prompts.
  public struct HeadFigures: Sendable, Codable, Hashable {
    public struct Head: Sendable, Codable, Hashable {
      public var layer: Int
      public var head: Int
    }
    /// "first" (the first token) and the token categories.
    public var classes: [String]
    /// The sample prompts (text, or the pieces' names for a music model).
    public var prompts: [String]
    /// [layer][head][class], each row summing to 1.
    public var mass: [[[Double]]]
    /// The two heads whose profiles differ most (total variation distance, 0…1).
    public var mostDifferent: [Head]
    public var distance: Double

    enum CodingKeys: String, CodingKey {
      case classes, prompts, mass, distance
      case mostDifferent = "most_different"
    }
  }

  /// The embedding heatmaps' pixels (palette indices, `width` rows × shown tokens), not in
  /// the JSON: they are the embedding rows of ``EmbeddingFigures/ids`` themselves.
  public struct Heatmaps: Sendable, Hashable {
    public var trained: [UInt8]
    public var untrained: [UInt8]
  }

  public var model: String
  public var architecture: String
  public var layers: Int
  public var heads: Int
  /// "text" or "music".
  public var kind: String
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
  public var embedding: EmbeddingFigures
  public var headProfile: HeadFigures
  public var heatmaps: Heatmaps? = nil

  enum CodingKeys: String, CodingKey {
    case model, architecture, layers, heads, kind, tokens, ids, attention, settles, embedding
    case nextToken = "next_token"
    case logitLens = "logit_lens"
    case layerFlow = "layer_flow"
    case headProfile = "head_profile"
  }

  /// The longest prompt a report takes (its attention maps grow with the square).
  public static let maximumTokens = 128
}
