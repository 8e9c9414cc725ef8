import Linalg

/// Principal component analysis of row vectors: the axes of largest variance of the centred
/// rows (eigenvectors of their covariance, by LAPACK's `dsyevd` in Double).
///
/// Signs are fixed so that each axis's largest-magnitude loading is positive: the same data
/// gives the same picture, not a mirror image, on every run.
public struct PrincipalComponents: Sendable {
  /// The mean row (length `width`).
  public let mean: [Double]
  /// `count × width`, row-major: axis c is row c, unit length.
  public let axes: [Double]
  /// The share of the total variance each axis explains, in 0…1, largest first.
  public let explained: [Double]
  public let width: Int

  /// Fits `count` axes (≤ width) to `rows × width` row-major values, fed in blocks of rows by
  /// `blocks` (so a large vocabulary never needs one Double copy): each call gives a block's
  /// values in Float, row-major.
  public init(width: Int, count: Int, blocks: ((UnsafeBufferPointer<Float>) throws -> Void) throws -> Void) throws {
    var gram = GramAccumulator(n: width)
    var sum = [Double](repeating: 0, count: width)
    var rows = 0
    var block = [Double]()
    try blocks { values in
      let r = values.count / width
      block.removeAll(keepingCapacity: true)
      block.reserveCapacity(values.count)
      for v in values { block.append(Double(v)) }
      for i in 0..<r { for j in 0..<width { sum[j] += block[i * width + j] } }
      block.withUnsafeBufferPointer { gram.add($0, rows: r) }
      rows += r
    }
    let n = Double(max(rows, 1))
    let mean = sum.map { $0 / n }
    // Covariance = (Σ x xᵀ − n μ μᵀ) / (n − 1).
    var cov = gram.matrix
    for i in 0..<width { for j in 0..<width { cov[i * width + j] = (cov[i * width + j] - n * mean[i] * mean[j]) / max(1, n - 1) } }
    let (values, vectors) = try Linalg.symmetricEigen(cov, n: width)
    let total = max(values.reduce(0) { $0 + max($1, 0) }, .leastNonzeroMagnitude)
    var axes = [Double]()
    var explained = [Double]()
    for c in 0..<min(count, width) {
      let j = width - 1 - c
      var v = Array(vectors[(j * width)..<((j + 1) * width)])
      var big = 0
      for i in v.indices where abs(v[i]) > abs(v[big]) { big = i }
      if v[big] < 0 { v = v.map { -$0 } }
      axes += v
      explained.append(max(values[j], 0) / total)
    }
    self.mean = mean
    self.axes = axes
    self.explained = explained
    self.width = width
  }

  /// Coordinates of `rows × width` row-major values on the axes: `rows × count`.
  public func project(_ values: [Float]) -> [Double] {
    let count = explained.count
    let rows = values.count / width
    var out = [Double](repeating: 0, count: rows * count)
    for r in 0..<rows {
      for c in 0..<count {
        var s = 0.0
        for i in 0..<width { s += (Double(values[r * width + i]) - mean[i]) * axes[c * width + i] }
        out[r * count + c] = s
      }
    }
    return out
  }
}
