public import Inference
import Linalg
public import Tokenizer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A map of a model's activation space, fitted once on a reference corpus (as the original
/// GPT-2 sonification project did): for every layer (the embedding output and every block's
/// output) the mean hidden state, the 16 principal components, and robust ranges — the 5th and
/// 95th percentiles of each component's coordinate and of the hidden-state norm over all corpus
/// tokens except each sentence's first (whose activations are outliers: the attention sink).
public struct ActivationMap: Sendable, Codable {
  public static let schemaVersion = 2
  /// Principal components kept per layer.
  public static let componentCount = 16

  public struct Layer: Sendable, Codable {
    public var mean: [Float]
    /// `componentCount` unit vectors, strongest first.
    public var components: [[Float]]
    /// Share of the variance each component explains.
    public var explained: [Double]
    /// 5th / 95th percentile of each component's coordinate.
    public var low: [Double]
    public var high: [Double]
    /// 5th / 95th percentile of the hidden-state norm.
    public var normLow: Double
    public var normHigh: Double

    public init(mean: [Float], components: [[Float]], explained: [Double], low: [Double], high: [Double], normLow: Double, normHigh: Double) {
      self.mean = mean
      self.components = components
      self.explained = explained
      self.low = low
      self.high = high
      self.normLow = normLow
      self.normHigh = normHigh
    }

    enum CodingKeys: String, CodingKey { case mean, components, explained, low, high, normLow, normHigh }

    // The vectors are stored as base64 of little-endian f32 (a JSON array of 9,000 numbers per
    // layer took Foundation's decoder over a second for SmolLM2's 31 layers).
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(Self.pack(mean), forKey: .mean)
      try c.encode(components.map(Self.pack), forKey: .components)
      try c.encode(explained, forKey: .explained)
      try c.encode(low, forKey: .low)
      try c.encode(high, forKey: .high)
      try c.encode(normLow, forKey: .normLow)
      try c.encode(normHigh, forKey: .normHigh)
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      mean = Self.unpack(try c.decode(String.self, forKey: .mean))
      components = try c.decode([String].self, forKey: .components).map(Self.unpack)
      explained = try c.decode([Double].self, forKey: .explained)
      low = try c.decode([Double].self, forKey: .low)
      high = try c.decode([Double].self, forKey: .high)
      normLow = try c.decode(Double.self, forKey: .normLow)
      normHigh = try c.decode(Double.self, forKey: .normHigh)
    }

    static func pack(_ values: [Float]) -> String {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(values.count * 4)
      for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
      return Base64.encode(bytes)
    }

    static func unpack(_ text: String) -> [Float] {
      let bytes = Base64.decode(text)
      return stride(from: 0, to: bytes.count - 3, by: 4).map { i in
        Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
      }
    }
  }

  public var schemaVersion: Int
  public var hiddenSize: Int
  public var sentences: Int
  public var tokens: Int
  public var layers: [Layer]

  /// Coordinates of `state` on layer `l`'s components.
  public func project(_ state: ArraySlice<Float>, layer l: Int) -> [Double] {
    let layer = layers[l]
    return layer.components.map { c in
      var s = 0.0
      for (i, x) in state.enumerated() { s += Double(x - layer.mean[i]) * Double(c[i]) }
      return s
    }
  }

  /// `value` placed in `low…high`, clamped to 0…1.
  public static func unit(_ value: Double, low: Double, high: Double) -> Double {
    guard high > low else { return 0.5 }
    return min(1, max(0, (value - low) / (high - low)))
  }

  /// Fits the map: the corpus runs through the model in batches of about 256 tokens; per layer
  /// the covariance is accumulated in Double and decomposed by `dsyevd`.
  public static func fit(
    model: LanguageModel, tokenizer: BytePairTokenizer, corpus: [String], progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> ActivationMap {
    let prompts = corpus.map { tokenizer.encode($0) }.filter { $0.count >= 2 && $0.count <= min(128, model.contextLength) }
    guard prompts.count >= 8 else { throw SonifyError.corpusTooSmall(prompts.count) }
    let d = model.hiddenSize
    let layerCount = model.layers + 1
    // Batches of about 256 tokens.
    var batches: [[[Int]]] = [[]]
    var size = 0
    for p in prompts {
      if size + p.count > 256 && !(batches.last ?? []).isEmpty {
        batches.append([])
        size = 0
      }
      batches[batches.count - 1].append(p)
      size += p.count
    }
    // Per layer: the sums and the cross-product matrix over every non-first token (Double),
    // and a deterministic sample of at most 2000 states for the percentiles.
    let kept = prompts.reduce(0) { $0 + $1.count - 1 }
    let stride = max(1, kept / 2000)
    var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: layerCount)
    var cross = [[Double]](repeating: [Double](repeating: 0, count: d * d), count: layerCount)
    var samples = [[Float]](repeating: [], count: layerCount)
    var seen = 0
    for (b, batch) in batches.enumerated() {
      let pass = try model.forward(batch: batch, logits: false)
      var rowsKept: [Int] = []
      for segment in pass.segments { rowsKept += Array((segment.lowerBound + 1)..<segment.upperBound) }
      for l in 0..<layerCount {
        let h = pass.hiddenStates[l]
        var x = [Double](repeating: 0, count: rowsKept.count * d)
        for (r, row) in rowsKept.enumerated() {
          for i in 0..<d {
            let v = Double(h[row * d + i])
            x[r * d + i] = v
            sums[l][i] += v
          }
        }
        let g = Linalg.gram(x, rows: rowsKept.count, cols: d)
        for i in 0..<(d * d) { cross[l][i] += g[i] }
        for (r, row) in rowsKept.enumerated() where (seen + r) % stride == 0 {
          samples[l].append(contentsOf: h[(row * d)..<((row + 1) * d)])
        }
      }
      seen += rowsKept.count
      progress(b + 1, batches.count)
    }
    var layers: [Layer] = []
    let n = Double(kept)
    for l in 0..<layerCount {
      let mean = sums[l].map { $0 / n }
      // Covariance from the upper triangle of XᵀX: (XᵀX − n·μμᵀ)/(n − 1).
      var covariance = [Double](repeating: 0, count: d * d)
      for i in 0..<d {
        for j in i..<d { covariance[i * d + j] = (cross[l][i * d + j] - n * mean[i] * mean[j]) / max(1, n - 1) }
      }
      let (values, vectors) = try Linalg.symmetricEigen(covariance, n: d)
      let total = max(values.reduce(0) { $0 + max(0, $1) }, 1e-30)
      let k = min(componentCount, d)
      var components: [[Float]] = []
      var explained: [Double] = []
      for j in 0..<k {
        let index = d - 1 - j  // ascending → strongest first
        var v = (0..<d).map { Float(vectors[index * d + $0]) }
        // A fixed sign: the largest-magnitude entry positive, so refits agree.
        if let m = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[m] < 0 { v = v.map { -$0 } }
        components.append(v)
        explained.append(max(0, values[index]) / total)
      }
      let sample = samples[l]
      let m = sample.count / d
      var low: [Double] = []
      var high: [Double] = []
      for c in components {
        var coordinates = [Double](repeating: 0, count: m)
        for r in 0..<m {
          var s = 0.0
          for i in 0..<d { s += (Double(sample[r * d + i]) - mean[i]) * Double(c[i]) }
          coordinates[r] = s
        }
        low.append(percentile(coordinates, 0.05))
        high.append(percentile(coordinates, 0.95))
      }
      var norms = [Double](repeating: 0, count: m)
      for r in 0..<m {
        var s = 0.0
        for i in 0..<d { s += Double(sample[r * d + i]) * Double(sample[r * d + i]) }
        norms[r] = s.squareRoot()
      }
      layers.append(
        Layer(
          mean: mean.map { Float($0) }, components: components, explained: explained, low: low, high: high,
          normLow: percentile(norms, 0.05), normHigh: percentile(norms, 0.95)))
    }
    return ActivationMap(schemaVersion: schemaVersion, hiddenSize: d, sentences: prompts.count, tokens: kept, layers: layers)
  }

  /// The `q` quantile (linear interpolation between order statistics).
  static func percentile(_ values: [Double], _ q: Double) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return 0 }
    let position = q * Double(s.count - 1)
    let lo = Int(position.rounded(.down))
    let hi = min(s.count - 1, lo + 1)
    return s[lo] + (s[hi] - s[lo]) * (position - Double(lo))
  }

  enum CodingKeys: String, CodingKey {
    case sentences, tokens, layers
    case schemaVersion = "schema_version"
    case hiddenSize = "hidden_size"
  }
}
