/// WeightWatcher's power-law fit of an eigenvalue spectrum (`WW_powerlaw.WWFit`).
///
/// The eigenvalues above ``threshold`` are sorted ascending. For every candidate `xmin = x_i`
/// (every value but the largest) the continuous maximum-likelihood exponent of the tail
/// `x_i … x_{N−1}` (size `n = N − i`) is
///
///     α_i = 1 + n / (Σ_{j≥i} ln x_j − n ln x_i)
///
/// and, when α_i > 1, its Kolmogorov–Smirnov distance to the empirical tail is
///
///     D_i = max_{j<n} | 1 − (x_{i+j}/x_i)^(1−α_i) − j/n |
///
/// (D_i = 1 otherwise). The fit keeps the first `i` with the smallest D. Computed in `Double`
/// with the logarithms taken once; a candidate's scan stops as soon as its distance reaches the
/// best so far (it cannot win, and the result is the same), which skips most of the O(N²) work.
///
/// WeightWatcher has no minimum tail size, which lets a handful of outliers (the "fingers")
/// win with a spuriously large α. ``minimumTailSize`` restricts candidates to tails of at least
/// that many eigenvalues; the default, 1, reproduces WeightWatcher exactly.
public struct PowerLawFit: Sendable, Hashable, Codable {
  /// WeightWatcher's `EVALS_THRESH` on the CPU path: eigenvalues at or below are ignored.
  public static let threshold = 1e-5

  /// The power-law exponent α of the tail.
  public var alpha: Double
  /// The eigenvalue where the tail starts.
  public var xmin: Double
  /// The largest eigenvalue fitted.
  public var xmax: Double
  /// Kolmogorov–Smirnov distance of the chosen fit (0…1).
  public var D: Double
  /// Standard error of α: (α − 1)/√n.
  public var sigma: Double
  /// Number of eigenvalues in the tail (≥ xmin): WeightWatcher's `num_pl_spikes`.
  public var tailSize: Int

  /// Fits `eigenvalues` (any order). Returns `nil` when fewer than two eigenvalues exceed the
  /// threshold (WeightWatcher reports no fit for such layers either).
  public init?(eigenvalues: [Double], minimumTailSize: Int = 1) {
    let data = eigenvalues.filter { $0 > Self.threshold && $0.isFinite }.sorted()
    let count = data.count
    guard count >= 2 else { return nil }
    let logs = data.map { log($0) }
    // suffix[i] = Σ_{j≥i} ln x_j
    var suffix = [Double](repeating: 0, count: count + 1)
    for i in stride(from: count - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + logs[i] }
    let lastCandidate = count - 2  // every value but the largest
    let minimumTail = max(2, minimumTailSize)
    var bestIndex = -1
    var bestD = Double.infinity
    var bestAlpha = 0.0
    data.withUnsafeBufferPointer { _ in
      logs.withUnsafeBufferPointer { lg in
        for i in 0...lastCandidate {
          let n = count - i
          if n < minimumTail && i != 0 { break }
          let nd = Double(n)
          let alpha = 1 + nd / (suffix[i] - nd * lg[i])
          var d = 1.0
          if alpha > 1 {
            d = 0
            let exponent = 1 - alpha
            let base = lg[i]
            for j in 0..<n {
              let theoretical = 1 - exp(exponent * (lg[i + j] - base))
              let difference = abs(theoretical - Double(j) / nd)
              if difference > d {
                d = difference
                // This candidate can no longer beat the best (ties keep the earlier one): its
                // exact D does not matter, so stop.
                if d >= bestD { break }
              }
            }
          }
          if d < bestD {
            bestD = d
            bestIndex = i
            bestAlpha = alpha
          }
        }
      }
    }
    guard bestIndex >= 0 else { return nil }
    let n = count - bestIndex
    alpha = bestAlpha
    xmin = data[bestIndex]
    xmax = data[count - 1]
    D = bestD
    sigma = (bestAlpha - 1) / Double(n).squareRoot()
    tailSize = n
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
