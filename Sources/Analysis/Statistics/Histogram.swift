/// A fixed-bin histogram: ``binCount`` equal bins over `[lower, upper]` (the tensor's finite
/// minimum and maximum), the last bin closed.
public struct Histogram: Sendable, Hashable, Codable {
  /// 64 bins resolve the shape of a weight distribution (its peak, shoulders and tails, and the
  /// levels of a 4-bit quantisation) while keeping each portrait entry small.
  public static let binCount = 64

  public var lower: Double
  public var upper: Double
  public var counts: [Int]

  public init(lower: Double, upper: Double, binCount: Int = Histogram.binCount) {
    self.lower = lower
    self.upper = upper
    self.counts = [Int](repeating: 0, count: max(1, binCount))
  }

  /// Adds the finite values of `values` and returns how many have |x| < `limit`.
  @discardableResult
  public mutating func add(_ values: UnsafeBufferPointer<Float>, countingBelow limit: Float) -> Int {
    add(values)
    var small = 0
    for v in values where Swift.abs(v) < limit { small += 1 }
    return small
  }

  /// Adds the finite values of `values`.
  public mutating func add(_ values: UnsafeBufferPointer<Float>) {
    let bins = counts.count
    let width = upper - lower
    guard width > 0 else {
      for v in values where v.isFinite { counts[0] += 1 }
      return
    }
    let scale = Double(bins) / width
    let last = bins - 1
    counts.withUnsafeMutableBufferPointer { c in
      guard let counts = c.baseAddress else { return }
      for v in values {
        let x = (Double(v) - lower) * scale
        // NaN fails both comparisons and is skipped; ±Inf land outside and are skipped too.
        guard x >= 0, x < Double(bins) + 1 else { continue }
        counts[Swift.min(Int(x), last)] += 1
      }
    }
  }
}
