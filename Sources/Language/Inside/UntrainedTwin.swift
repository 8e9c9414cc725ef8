import SeededRandom

/// The untrained twin's token embedding for a text model: every value drawn from
/// N(0, standardDeviation²), row-major, in Box–Muller pairs from a ``SplitMix64`` seeded with
/// `seed`: the initialisation of Hugging Face's GPT-2 and Llama (`initializer_range` 0.02), and
/// the draw `eigentone train` makes for its own token embedding.
public enum UntrainedTwin {
  /// Hugging Face's `initializer_range` for GPT-2 and Llama.
  public static let standardDeviation = 0.02

  public static func embedding(vocabulary: Int, width: Int, seed: UInt64, standardDeviation: Double = standardDeviation) -> [Float] {
    var rng = SplitMix64(seed: seed)
    let count = vocabulary * width
    var out = [Float](repeating: 0, count: count)
    var i = 0
    while i < count {
      let (a, b) = rng.gaussianPair()
      out[i] = Float(a * standardDeviation)
      if i + 1 < count { out[i + 1] = Float(b * standardDeviation) }
      i += 2
    }
    return out
  }
}
