import Foundation
import SeededRandom

/// A seeded neighbour embedding of row vectors in the plane: exact t-SNE (van der Maaten and
/// Hinton 2008) with the usual optimiser settings (those of scikit-learn 1.x): perplexity 30
/// (or (n − 1)/3 for fewer points), early exaggeration 12 for the first 250 iterations,
/// momentum 0.5 then 0.8, per-coordinate gains, learning rate max(n / 48, 50), and
/// ``iterations`` in all. The start is normal with standard deviation 10⁻² per coordinate from a ``SplitMix64`` with
/// the given seed, so a seed gives the same map on every run. Exact means O(n²) per
/// iteration: meant for a few hundred points (the report's documented subset), not for a
/// whole vocabulary.
public struct NeighbourEmbedding: Sendable {
  public var perplexity = 30.0
  public var iterations = 750
  public var exaggerationIterations = 250
  public var exaggeration = 12.0
  public var seed: UInt64

  public init(seed: UInt64) { self.seed = seed }

  /// The plane coordinates (`n × 2`, row-major) of `n × width` row-major values, and the
  /// final Kullback–Leibler divergence KL(P‖Q) (nats; lower is a more faithful map).
  public func embed(_ values: [Double], width: Int) -> (points: [Double], divergence: Double) {
    let n = values.count / max(width, 1)
    guard n >= 3 else { return ([Double](repeating: 0, count: 2 * n), 0) }
    let p = affinities(values, width: width, n: n)
    var rng = SplitMix64(seed: seed)
    var y = [Double](repeating: 0, count: 2 * n)
    for i in stride(from: 0, to: 2 * n, by: 2) {
      let (a, b) = rng.gaussianPair()
      y[i] = a * 1e-2
      y[i + 1] = b * 1e-2
    }
    var update = [Double](repeating: 0, count: 2 * n)
    var gains = [Double](repeating: 1, count: 2 * n)
    var gradient = [Double](repeating: 0, count: 2 * n)
    var q = [Double](repeating: 0, count: n * n)
    let rate = max(Double(n) / exaggeration / 4, 50)
    var divergence = 0.0
    for it in 0..<iterations {
      let early = it < exaggerationIterations
      let scale = early ? exaggeration : 1
      let momentum = early ? 0.5 : 0.8
      // Student-t kernel 1 / (1 + |yi − yj|²), each pair once.
      var z = 0.0
      for i in 0..<n {
        q[i * n + i] = 0
        for j in (i + 1)..<n {
          let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
          let k = 1 / (1 + dx * dx + dy * dy)
          q[i * n + j] = k
          q[j * n + i] = k
          z += 2 * k
        }
      }
      for i in 0..<(2 * n) { gradient[i] = 0 }
      for i in 0..<n {
        var gx = 0.0, gy = 0.0
        for j in 0..<n where j != i {
          let k = q[i * n + j]
          let f = (scale * p[i * n + j] - k / z) * k
          gx += f * (y[2 * i] - y[2 * j])
          gy += f * (y[2 * i + 1] - y[2 * j + 1])
        }
        gradient[2 * i] = 4 * gx
        gradient[2 * i + 1] = 4 * gy
      }
      for i in 0..<(2 * n) {
        let same = (gradient[i] > 0) == (update[i] > 0)
        gains[i] = max(same ? gains[i] * 0.8 : gains[i] + 0.2, 0.01)
        update[i] = momentum * update[i] - rate * gains[i] * gradient[i]
        y[i] += update[i]
      }
      if it == iterations - 1 {
        divergence = 0
        for i in 0..<n {
          for j in 0..<n where j != i && p[i * n + j] > 1e-12 {
            divergence += p[i * n + j] * Foundation.log(p[i * n + j] / max(q[i * n + j] / z, 1e-300))
          }
        }
      }
    }
    // Centre the map.
    var cx = 0.0, cy = 0.0
    for i in 0..<n {
      cx += y[2 * i]
      cy += y[2 * i + 1]
    }
    for i in 0..<n {
      y[2 * i] -= cx / Double(n)
      y[2 * i + 1] -= cy / Double(n)
    }
    return (y, divergence)
  }

  /// The symmetric joint affinities P (n × n, summing to 1): each row's Gaussian bandwidth
  /// found by bisection so that its conditional distribution has the target perplexity.
  func affinities(_ values: [Double], width: Int, n: Int) -> [Double] {
    // Squared distances, each pair once, in a fixed order (no BLAS: the same bits whatever
    // thread count other work has set).
    var distance = [Double](repeating: 0, count: n * n)
    values.withUnsafeBufferPointer { x in
      for i in 0..<n {
        for j in (i + 1)..<n {
          var s = 0.0
          for t in 0..<width {
            let e = x[i * width + t] - x[j * width + t]
            s += e * e
          }
          distance[i * n + j] = s
          distance[j * n + i] = s
        }
      }
    }
    let target = Foundation.log(min(perplexity, Double(n - 1) / 3))
    var conditional = [Double](repeating: 0, count: n * n)
    var d = [Double](repeating: 0, count: n)
    for i in 0..<n {
      for j in 0..<n { d[j] = distance[i * n + j] }
      var beta = 1.0, low = -Double.infinity, high = Double.infinity
      var row = [Double](repeating: 0, count: n)
      for _ in 0..<100 {
        var minD = Double.infinity
        for j in 0..<n where j != i { minD = min(minD, d[j]) }
        var sum = 0.0, weighted = 0.0
        for j in 0..<n where j != i {
          let e = Foundation.exp(-beta * (d[j] - minD))
          row[j] = e
          sum += e
          weighted += e * (d[j] - minD)
        }
        row[i] = 0
        // Entropy of the row in nats: log(sum) + beta · E[d − minD].
        let entropy = Foundation.log(sum) + beta * weighted / sum
        for j in 0..<n { row[j] /= sum }
        let miss = entropy - target
        if abs(miss) < 1e-5 { break }
        if miss > 0 {
          low = beta
          beta = high.isFinite ? (beta + high) / 2 : beta * 2
        } else {
          high = beta
          beta = low.isFinite ? (beta + low) / 2 : beta / 2
        }
      }
      for j in 0..<n { conditional[i * n + j] = row[j] }
    }
    var p = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n where j != i { p[i * n + j] = max((conditional[i * n + j] + conditional[j * n + i]) / (2 * Double(n)), 1e-12) }
    }
    return p
  }
}
