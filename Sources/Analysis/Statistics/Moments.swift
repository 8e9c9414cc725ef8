/// Streaming mean and central moments up to the fourth, mergeable across blocks (Pébay's
/// formulas), in `Double`. Non-finite values are not added; callers count them separately.
public struct Moments: Sendable, Hashable {
  public private(set) var count: Double = 0
  public private(set) var mean: Double = 0
  private var m2: Double = 0
  private var m3: Double = 0
  private var m4: Double = 0
  public private(set) var minimum: Double = .infinity
  public private(set) var maximum: Double = -.infinity

  public init() {}

  /// Moments of a block of values (two passes over the block, which is in cache).
  public init(_ values: UnsafeBufferPointer<Double>) {
    var n = 0.0, sum = 0.0
    var lo = Double.infinity, hi = -Double.infinity
    for v in values where v.isFinite {
      n += 1
      sum += v
      if v < lo { lo = v }
      if v > hi { hi = v }
    }
    guard n > 0 else { return }
    let mean = sum / n
    var s2 = 0.0, s3 = 0.0, s4 = 0.0
    for v in values where v.isFinite {
      let d = v - mean
      let d2 = d * d
      s2 += d2
      s3 += d2 * d
      s4 += d2 * d2
    }
    self.count = n
    self.mean = mean
    self.m2 = s2
    self.m3 = s3
    self.m4 = s4
    self.minimum = lo
    self.maximum = hi
  }

  /// Combines two sets of moments as if all values had been added to one.
  public mutating func merge(_ other: Moments) {
    guard other.count > 0 else { return }
    guard count > 0 else {
      self = other
      return
    }
    let na = count, nb = other.count, n = na + nb
    let delta = other.mean - mean
    let d2 = delta * delta
    let m2 = self.m2 + other.m2 + d2 * na * nb / n
    let m3 = self.m3 + other.m3 + d2 * delta * na * nb * (na - nb) / (n * n)
      + 3 * delta * (na * other.m2 - nb * self.m2) / n
    let m4 = self.m4 + other.m4
      + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
      + 6 * d2 * (na * na * other.m2 + nb * nb * self.m2) / (n * n)
      + 4 * delta * (na * other.m3 - nb * self.m3) / n
    self.mean += delta * nb / n
    self.count = n
    self.m2 = m2
    self.m3 = m3
    self.m4 = m4
    self.minimum = Swift.min(minimum, other.minimum)
    self.maximum = Swift.max(maximum, other.maximum)
  }

  /// Population variance (divides by n, as numpy's default).
  public var variance: Double { count > 0 ? m2 / count : 0 }
  public var standardDeviation: Double { variance.squareRoot() }

  /// Population skewness g₁ = m₃ / m₂^(3/2) (scipy.stats.skew with bias=True).
  public var skewness: Double {
    guard count > 0, m2 > 0 else { return 0 }
    return (m3 / count) / Swift.max(Double.leastNonzeroMagnitude, pow15(m2 / count))
  }

  /// Excess kurtosis g₂ = m₄ / m₂² − 3 (scipy.stats.kurtosis with fisher=True, bias=True).
  public var excessKurtosis: Double {
    guard count > 0, m2 > 0 else { return 0 }
    let v = m2 / count
    return (m4 / count) / (v * v) - 3
  }

  private func pow15(_ x: Double) -> Double { x * x.squareRoot() }
}
