import Linalg

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

  /// Adds the finite values of `values` and returns how many have |x| < `limit`
  /// (``FusedPass/histogram(_:lower:scale:bins:limit:copies:)``, at ``Linalg/level``).
  @discardableResult
  public mutating func add(_ values: UnsafeBufferPointer<Float>, countingBelow limit: Float) -> Int {
    guard !values.isEmpty else { return 0 }
    let bins = counts.count
    let scale = upper > lower ? Double(bins) / (upper - lower) : 0
    let stride = bins + 1
    let lower = self.lower
    let copyCount = FusedPass.copyCount
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: copyCount * stride) { copies in
      guard let c = copies.baseAddress else { return 0 }
      c.initialize(repeating: 0, count: copyCount * stride)
      let small = FusedPass.histogramAtLevel(values, lower, scale, bins, limit, c)
      for b in 0..<bins {
        counts[b] += (0..<copyCount).reduce(0) { $0 + c[$1 * stride + b] }
      }
      return small
    }
  }

  /// Adds the finite values of `values`.
  public mutating func add(_ values: UnsafeBufferPointer<Float>) {
    add(values, countingBelow: 0)
  }

  /// One value at a time: the reference ``add(_:countingBelow:)`` is tested against.
  mutating func addOneByOne(_ values: UnsafeBufferPointer<Float>, countingBelow limit: Float) -> Int {
    let bins = counts.count
    let scale = upper > lower ? Double(bins) / (upper - lower) : 0
    var small = 0
    for v in values {
      if Swift.abs(v) < limit { small += 1 }
      let x = (Double(v) - lower) * scale
      guard x >= 0, x < Double(bins) + 1 else { continue }
      counts[Swift.min(Int(x), bins - 1)] += 1
    }
    return small
  }
}
