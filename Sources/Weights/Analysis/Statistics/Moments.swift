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

  /// Moments from a count, a mean and central sums of powers (Σd², Σd³, Σd⁴).
  init(count: Double, mean: Double, m2: Double, m3: Double, m4: Double, minimum: Double, maximum: Double) {
    self.count = count
    self.mean = mean
    self.m2 = max(0, m2)
    self.m3 = m3
    self.m4 = max(0, m4)
    self.minimum = minimum
    self.maximum = maximum
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
    let m3 =
      self.m3 + other.m3 + d2 * delta * na * nb * (na - nb) / (n * n)
      + 3 * delta * (na * other.m2 - nb * self.m2) / n
    let m4 =
      self.m4 + other.m4
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

/// Power sums of `x − shift` over one block, in a single pass. With the shift set to a value
/// from the block (weights are narrow around their mean), the conversion to central moments
/// loses nothing measurable in `Double`; blocks are then merged exactly with
/// ``Moments/merge(_:)``.
struct PowerSums {
  let shift: Double
  var n = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
  var minimum = Double.infinity, maximum = -Double.infinity

  init(shift: Double) { self.shift = shift }

  /// The sums of one block from ``FusedPass/run(src:rows:stride:offset:cols:shift:into:rowSquares:columnSquares:)``.
  init(shift: Double, totals t: FusedPass.Totals) {
    self.shift = shift
    (n, s1, s2, s3, s4, minimum, maximum) = (t.n, t.s1, t.s2, t.s3, t.s4, t.minimum, t.maximum)
  }

  @inline(__always)
  mutating func add(_ x: Double) {
    let d = x - shift
    let d2 = d * d
    n += 1
    s1 += d
    s2 += d2
    s3 += d2 * d
    s4 += d2 * d2
    if x < minimum { minimum = x }
    if x > maximum { maximum = x }
  }

  var moments: Moments {
    guard n > 0 else { return Moments() }
    let mu = s1 / n
    let m2 = s2 - n * mu * mu
    let m3 = s3 - 3 * mu * s2 + 2 * n * mu * mu * mu
    let m4 = s4 - 4 * mu * s3 + 6 * mu * mu * s2 - 3 * n * mu * mu * mu * mu
    return Moments(count: n, mean: shift + mu, m2: m2, m3: m3, m4: m4, minimum: minimum, maximum: maximum)
  }
}
