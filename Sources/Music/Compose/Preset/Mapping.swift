#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One row of a preset's mapping table: which statistic drives a musical parameter, and how.
///
/// Values are first normalised across the series they belong to (for example the same
/// statistic in every layer), so that what is heard is how layers *differ*, never an absolute
/// value that is the same for every model (the originals' min-max of a sorted spectrum was
/// always 1 at index 0). Then the curve bends 0…1, and the result is spread over `range` and
/// quantised.
public struct Mapping: Sendable, Hashable {
  public enum Normalization: String, Sendable, Hashable, CaseIterable {
    /// Rank among the series, 0 (smallest) … 1 (largest); ties share the mean rank.
    case rank
    /// z-score squashed by the logistic function: 0.5 at the mean, ±1 σ ≈ 0.27/0.73.
    case zscore
    /// (x − min)/(max − min).
    case minmax
    /// The raw value, clamped to 0…1.
    case none
  }

  public enum Curve: String, Sendable, Hashable, CaseIterable {
    case linear, exp, log
  }

  /// The statistic, e.g. `mlp.down.row_norms`, `attn.v.kurtosis`, `tension`; nil for a
  /// mapping that only normalises (composers' own series).
  public var source: Statistic?
  /// The line of the preset file it was read from (for errors).
  public var line: Int?
  public var normalize: Normalization
  public var range: ClosedRange<Double>
  public var curve: Curve
  /// Round the result to a multiple of this, when set.
  public var quantize: Double?
  /// For on/off parameters (accent, slide): on when the normalised value exceeds this.
  public var threshold: Double?

  public init(
    source: Statistic? = nil, normalize: Normalization = .rank, range: ClosedRange<Double> = 0...1, curve: Curve = .linear,
    quantize: Double? = nil, threshold: Double? = nil, line: Int? = nil
  ) {
    self.source = source
    self.line = line
    self.normalize = normalize
    self.range = range
    self.curve = curve
    self.quantize = quantize
    self.threshold = threshold
  }

  /// Normalises `series` (NaN-safe: non-finite values count as the series' median).
  public func normalized(_ series: [Double]) -> [Double] {
    guard !series.isEmpty else { return [] }
    let finite = series.filter(\.isFinite).sorted()
    let median = finite.isEmpty ? 0 : finite[finite.count / 2]
    let x = series.map { $0.isFinite ? $0 : median }
    switch normalize {
    case .rank:
      guard x.count > 1 else { return [0.5] }
      let order = x.indices.sorted { (x[$0], $0) < (x[$1], $1) }
      var ranks = [Double](repeating: 0, count: x.count)
      var i = 0
      while i < order.count {
        var j = i
        while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
        let r = Double(i + j) / 2 / Double(x.count - 1)
        for k in i...j { ranks[order[k]] = r }
        i = j + 1
      }
      return ranks
    case .zscore:
      let mean = x.reduce(0, +) / Double(x.count)
      let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)).squareRoot()
      return x.map { sd > 0 ? 1 / (1 + exp(-($0 - mean) / sd)) : 0.5 }
    case .minmax:
      guard let lo = x.min(), let hi = x.max(), hi > lo else { return x.map { _ in 0.5 } }
      return x.map { ($0 - lo) / (hi - lo) }
    case .none:
      return x.map { min(1, max(0, $0)) }
    }
  }

  /// Maps one normalised value (0…1) through the curve onto the range.
  public func value(_ unit: Double) -> Double {
    let u = min(1, max(0, unit))
    let bent: Double
    switch curve {
    case .linear: bent = u
    case .exp: bent = (exp(3 * u) - 1) / (exp(3) - 1)
    case .log: bent = log1p(9 * u) / log(10)
    }
    var v = range.lowerBound + bent * (range.upperBound - range.lowerBound)
    if let q = quantize, q > 0 { v = (v / q).rounded() * q }
    return v
  }

  /// Normalises and maps a whole series.
  public func apply(_ series: [Double]) -> [Double] { normalized(series).map(value) }

  /// Whether a normalised value switches the parameter on.
  public func isOn(_ unit: Double) -> Bool { unit > (threshold ?? 0.5) }
}
