import SeededRandom

/// Principal component analysis of row vectors: the axes of largest variance of the centred
/// rows (the leading eigenvectors of their covariance), computed entirely here in Double in a
/// fixed order, so the same rows give the same bits whatever BLAS threads other work has set
/// (LAPACK and OpenBLAS round differently with the thread count, and the report's pages must be
/// byte-identical between the command line and a busy studio).
///
/// The covariance is accumulated row by row (upper triangle); the axes come from subspace
/// iteration on a block of ``block`` vectors (``iterations`` rounds, re-orthonormalised by
/// modified Gram–Schmidt each round) and a Rayleigh–Ritz step solved by cyclic Jacobi. Signs are
/// fixed so that each axis's largest-magnitude loading is positive: the same data gives the same
/// picture, not a mirror image.
public struct PrincipalComponents: Sendable {
  /// The mean row (length `width`).
  public let mean: [Double]
  /// `count × width`, row-major: axis c is row c, unit length.
  public let axes: [Double]
  /// The share of the total variance each axis explains, in 0…1, largest first.
  public let explained: [Double]
  public let width: Int

  /// Vectors iterated together (more than the axes wanted, so the wanted ones converge at the
  /// rate of the gap to the block's last eigenvalue).
  static let block = 8
  static let iterations = 300
  /// The most rows a fit reads: a larger vocabulary is fitted on this many evenly spaced rows
  /// (``sampleRows(_:)``); two axes of a 49,152-token embedding do not need all of them, and the
  /// exact accumulation costs rows × width² / 2 multiply-adds.
  public static let maximumRows = 8192

  /// The rows a fit of `count` rows reads: all of them, or row ⌊i · count / maximumRows⌋ for
  /// i in 0..<maximumRows.
  public static func sampleRows(_ count: Int) -> [Int] {
    count <= maximumRows ? Array(0..<count) : (0..<maximumRows).map { $0 * count / maximumRows }
  }

  /// Fits `count` axes (≤ width, ≤ 8) to row-major values fed in blocks by `blocks`: each call
  /// gives a block's values in Float, row-major, `width` per row.
  public init(width: Int, count: Int, blocks: ((UnsafeBufferPointer<Float>) throws -> Void) throws -> Void) throws {
    let d = width
    var sum = [Double](repeating: 0, count: d)
    var gram = [Double](repeating: 0, count: d * d)
    var rows = 0
    var x = [Double](repeating: 0, count: 4 * d)
    try blocks { values in
      let r = values.count / d
      // Four rows at a time: a quarter of the passes over the d × d triangle.
      var row = 0
      while row < r {
        let m = min(4, r - row)
        for u in 0..<m { for j in 0..<d { x[u * d + j] = Double(values[(row + u) * d + j]) } }
        for u in m..<4 { for j in 0..<d { x[u * d + j] = 0 } }
        for u in 0..<m { for j in 0..<d { sum[j] += x[u * d + j] } }
        x.withUnsafeBufferPointer { xs in
          gram.withUnsafeMutableBufferPointer { g in
            for i in 0..<d {
              let a0 = xs[i], a1 = xs[d + i], a2 = xs[2 * d + i], a3 = xs[3 * d + i]
              let base = i * d
              for j in i..<d { g[base + j] += a0 * xs[j] + a1 * xs[d + j] + a2 * xs[2 * d + j] + a3 * xs[3 * d + j] }
            }
          }
        }
        row += m
      }
      rows += r
    }
    let n = Double(max(rows, 1))
    let mean = sum.map { $0 / n }
    // Covariance = (Σ x xᵀ − n μ μᵀ) / (n − 1), both triangles.
    var cov = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in i..<d {
        let c = (gram[i * d + j] - n * mean[i] * mean[j]) / max(1, n - 1)
        cov[i * d + j] = c
        cov[j * d + i] = c
      }
    }
    let total = max((0..<d).reduce(0.0) { $0 + cov[$1 * d + $1] }, .leastNonzeroMagnitude)
    let (vectors, values) = Self.leadingEigenvectors(cov, n: d, count: min(count, d, Self.block))
    var axes = [Double]()
    var explained = [Double]()
    for (c, v) in vectors.enumerated() {
      var big = 0
      for i in v.indices where abs(v[i]) > abs(v[big]) { big = i }
      axes += v[big] < 0 ? v.map { -$0 } : v
      explained.append(max(values[c], 0) / total)
    }
    self.mean = mean
    self.axes = axes
    self.explained = explained
    self.width = width
  }

  /// The `count` leading eigenvectors (unit length) and eigenvalues of a symmetric `n × n`
  /// row-major matrix, largest first.
  static func leadingEigenvectors(_ a: [Double], n: Int, count: Int) -> ([[Double]], [Double]) {
    let k = min(block, n)
    var rng = SplitMix64(seed: 0x5043_4131)  // "PCA1": a fixed start
    var q = (0..<k).map { _ in (0..<n).map { _ in rng.unit() - 0.5 } }
    orthonormalise(&q)
    for _ in 0..<iterations {
      q = q.map { multiply(a, $0, n: n) }
      orthonormalise(&q)
    }
    // Rayleigh–Ritz: the k × k projection, diagonalised.
    let aq = q.map { multiply(a, $0, n: n) }
    var h = [Double](repeating: 0, count: k * k)
    for i in 0..<k { for j in 0..<k { h[i * k + j] = dot(q[i], aq[j]) } }
    let (values, small) = jacobi(h, n: k)
    let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
    var vectors: [[Double]] = []
    for c in order.prefix(count) {
      var v = [Double](repeating: 0, count: n)
      for i in 0..<k { for t in 0..<n { v[t] += small[i * k + c] * q[i][t] } }
      let norm = dot(v, v).squareRoot()
      vectors.append(v.map { $0 / norm })
    }
    return (vectors, order.prefix(count).map { values[$0] })
  }

  static func multiply(_ a: [Double], _ v: [Double], n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n)
    a.withUnsafeBufferPointer { m in
      for i in 0..<n {
        var s = 0.0
        for j in 0..<n { s += m[i * n + j] * v[j] }
        out[i] = s
      }
    }
    return out
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
  }

  /// Modified Gram–Schmidt, in order (a vector that collapses is replaced by a unit vector).
  static func orthonormalise(_ q: inout [[Double]]) {
    for i in q.indices {
      for j in 0..<i {
        let p = dot(q[i], q[j])
        for t in q[i].indices { q[i][t] -= p * q[j][t] }
      }
      let norm = dot(q[i], q[i]).squareRoot()
      if norm > 1e-300 {
        q[i] = q[i].map { $0 / norm }
      } else {
        q[i] = q[i].indices.map { $0 == i ? 1 : 0 }
      }
    }
  }

  /// Cyclic Jacobi for a small symmetric matrix: eigenvalues, and eigenvectors as the columns
  /// of a row-major `n × n` matrix.
  static func jacobi(_ matrix: [Double], n: Int) -> ([Double], [Double]) {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
      var off = 0.0
      for i in 0..<n { for j in 0..<n where j != i { off += a[i * n + j] * a[i * n + j] } }
      if off < 1e-30 { break }
      for p in 0..<n {
        for r in (p + 1)..<n where a[p * n + r] != 0 {
          let theta = (a[r * n + r] - a[p * n + p]) / (2 * a[p * n + r])
          let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {
            let akp = a[k * n + p], akr = a[k * n + r]
            a[k * n + p] = c * akp - s * akr
            a[k * n + r] = s * akp + c * akr
          }
          for k in 0..<n {
            let apk = a[p * n + k], ark = a[r * n + k]
            a[p * n + k] = c * apk - s * ark
            a[r * n + k] = s * apk + c * ark
          }
          for k in 0..<n {
            let vkp = v[k * n + p], vkr = v[k * n + r]
            v[k * n + p] = c * vkp - s * vkr
            v[k * n + r] = s * vkp + c * vkr
          }
        }
      }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
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
