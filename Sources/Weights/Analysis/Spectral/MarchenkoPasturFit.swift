#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// WeightWatcher's Marchenko–Pastur fit (`mp_fit`, `RMT_Util.fit_density_with_range`).
///
/// The eigenvalues are rescaled to mean 1 (`W_scale² = M / Σλ`). A linear-kernel density
/// estimate (bandwidth 0.1) is taken on 1000 points over `[0, max + 0.5]`, points where it is
/// below 0.01 are ignored, and the MP density for aspect ratio `Q = N/M` is fitted by brute
/// force over `σ ∈ [0.05 s, 2 s)` in steps of `0.01 s`, `s = √(λ_max / (1 + 1/√Q)²)`, followed
/// by a Nelder–Mead polish (as `scipy.optimize.brute` does). Fits whose bulk edge falls outside
/// the data are penalised with residual 1000, as in WeightWatcher. For square matrices (Q = 1)
/// the quarter-circle law is fitted to the singular values instead, with WeightWatcher's
/// formula (which ignores σ inside the square root).
///
/// Results: `bulk_max = (σ(1 + 1/√Q))²`, the Tracy–Widom edge
/// `bulk_max + √(Q^(-1/2) · bulk_max^(2/3) · M^(-2/3))`, `num_spikes` = eigenvalues above that
/// edge, and `mp_softrank = bulk_max / λ_max` (all on the rescaled spectrum).
public struct MarchenkoPasturFit: Sendable, Hashable, Codable {
  public var sigma: Double
  public var numSpikes: Int
  public var softRank: Double
  /// Bulk edges in the original (unscaled) eigenvalue units.
  public var bulkMax: Double
  public var bulkMin: Double
  public var wScale: Double

  /// - Parameters:
  ///   - eigenvalues: λ = σ² of WᵀW, any order.
  ///   - rows, cols: the matrix shape (N = larger, M = smaller side).
  public init?(eigenvalues: [Double], rows: Int, cols: Int) {
    let n = Double(max(rows, cols)), m = Double(min(rows, cols))
    let finite = eigenvalues.filter(\.isFinite)
    let total = finite.reduce(0, +)
    guard finite.count >= 2, total > 0 else { return nil }
    let q = n / m
    let scale = (Double(finite.count) / total).squareRoot()
    let scaled = finite.map { $0 * scale * scale }
    guard let lambdaMax = scaled.max(), lambdaMax > 0 else { return nil }
    let toFit = q == 1 ? scaled.map { $0.squareRoot() } : scaled
    let density = KernelDensity(values: toFit, bandwidth: 0.1)
    let residual = { (sigma: Double) -> Double in Self.residual(sigma: sigma, q: q, density: density) }
    // Grid as numpy's arange(0.05 s, 2 s, 0.01 s).
    let s = (lambdaMax / pow(1 + 1 / q.squareRoot(), 2)).squareRoot()
    let start = 0.05 * s, stop = 2.0 * s, step = 0.01 * s
    let count = Int(((stop - start) / step).rounded(.up))
    var best = start
    var bestValue = Double.infinity
    for k in 0..<max(1, count) {
      let x = start + Double(k) * step
      let v = residual(x)
      if v < bestValue {
        bestValue = v
        best = x
      }
    }
    let polished = NelderMead1D.minimize(residual, from: best)
    let sigma = polished.value <= bestValue ? polished.x : best
    let bulkMax = pow(sigma * (1 + 1 / q.squareRoot()), 2)
    let bulkMin = pow(sigma * (1 - 1 / q.squareRoot()), 2)
    let tracyWidom = 1 / q.squareRoot() * pow(bulkMax, 2.0 / 3) * pow(m, -2.0 / 3)
    let edge = bulkMax + tracyWidom.squareRoot()
    self.sigma = sigma
    self.numSpikes = scaled.filter { $0 > edge }.count
    self.softRank = bulkMax / lambdaMax
    self.bulkMax = bulkMax / (scale * scale)
    self.bulkMin = bulkMin / (scale * scale)
    self.wScale = scale
  }

  static func residual(sigma: Double, q: Double, density: KernelDensity) -> Double {
    let points = density.gridPoints
    let values = density.gridValues
    if q == 1 {
      var sum = 0.0
      for (x, y) in zip(points, values) {
        let v = 4 - x * x
        let mp = v >= 0 ? (1 / (Double.pi * sigma * sigma)) * v.squareRoot() : 0
        sum += (mp - y) * (mp - y)
      }
      return sum
    }
    let b = pow(sigma * (1 + (1 / q).squareRoot()), 2)
    let a = pow(sigma * (1 - (1 / q).squareRoot()), 2)
    let peak = density.peakPoint
    guard let last = points.last else { return 0 }
    if b < peak || b > last || a > peak { return 1000 * 1000 * Double(points.count) }
    var sum = 0.0
    let y = 1 / q
    for (x, d) in zip(points, values) {
      let product = (b - x) * (x - a)
      var mp = 0.0
      if product >= 0 && x > 0 {
        mp = (1 / (2 * Double.pi * sigma * sigma * x * y)) * product.squareRoot()
      }
      sum += (mp - d) * (mp - d)
    }
    return sum
  }

  enum CodingKeys: String, CodingKey {
    case sigma, softRank, bulkMin, wScale
    case numSpikes = "num_spikes"
    case bulkMax = "bulk_max"
  }
}

/// A linear-kernel density estimate (scikit-learn's `KernelDensity(kernel="linear")`):
/// `f(x) = 1/(n h) Σ max(0, 1 − |x − xᵢ|/h)`, evaluated on WeightWatcher's grid of 1000
/// points over `[0, max + 0.5]`, keeping the points where `f > 0.01`.
struct KernelDensity {
  var gridPoints: [Double] = []
  var gridValues: [Double] = []
  var peakPoint: Double = 0

  init(values: [Double], bandwidth h: Double) {
    let sorted = values.sorted()
    guard let maximum = sorted.last else { return }
    let n = Double(sorted.count)
    let top = maximum + 0.5
    var peakValue = -Double.infinity
    for k in 0..<1000 {
      let x = top * Double(k) / 999
      // Only values within h of x contribute: find them by binary search.
      var lo = 0, hi = sorted.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if sorted[mid] < x - h { lo = mid + 1 } else { hi = mid }
      }
      var sum = 0.0
      var i = lo
      while i < sorted.count && sorted[i] <= x + h {
        sum += max(0, 1 - abs(x - sorted[i]) / h)
        i += 1
      }
      let f = sum / (n * h)
      if f > 0.01 {
        gridPoints.append(x)
        gridValues.append(f)
        if f > peakValue {
          peakValue = f
          peakPoint = x
        }
      }
    }
  }
}

/// SciPy's `fmin` (Nelder–Mead) in one dimension, with its defaults: initial step 5 % of x₀
/// (0.00025 when x₀ = 0), `xtol = ftol = 1e-4`, at most 200 iterations.
enum NelderMead1D {
  static func minimize(_ f: (Double) -> Double, from x0: Double) -> (x: Double, value: Double) {
    var simplex = [x0, x0 != 0 ? x0 * 1.05 : 0.00025]
    var values = simplex.map(f)
    for _ in 0..<200 {
      if values[1] < values[0] {
        simplex.swapAt(0, 1)
        values.swapAt(0, 1)
      }
      if abs(simplex[1] - simplex[0]) <= 1e-4 && abs(values[1] - values[0]) <= 1e-4 { break }
      let best = simplex[0], worst = simplex[1]
      let reflected = 2 * best - worst
      let fr = f(reflected)
      if fr < values[0] {
        let expanded = 3 * best - 2 * worst
        let fe = f(expanded)
        if fe < fr {
          simplex[1] = expanded
          values[1] = fe
        } else {
          simplex[1] = reflected
          values[1] = fr
        }
      } else if fr < values[1] {
        // Outside contraction.
        let contracted = 1.5 * best - 0.5 * worst
        let fc = f(contracted)
        if fc <= fr {
          simplex[1] = contracted
          values[1] = fc
        } else {
          simplex[1] = reflected
          values[1] = fr
        }
      } else {
        // Inside contraction.
        let contracted = 0.5 * best + 0.5 * worst
        let fc = f(contracted)
        if fc < values[1] {
          simplex[1] = contracted
          values[1] = fc
        } else {
          simplex[1] = best + 0.5 * (worst - best)
          values[1] = f(simplex[1])
        }
      }
    }
    return values[0] <= values[1] ? (simplex[0], values[0]) : (simplex[1], values[1])
  }
}
