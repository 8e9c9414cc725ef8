#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The empirical spectral density of one matrix on log–log axes with its power-law fit, as an
/// SVG document: the plot WeightWatcher draws with `analyze(plot=True)` (the `powerlaw`
/// package's `plot_pdf`).
///
/// - Points: the density of the eigenvalues λ = σ² (those above ``PowerLawFit/threshold``) in
///   ``binCount`` bins of equal width in log₁₀ λ, each at its bin's geometric centre; density =
///   count / (number of eigenvalues × bin width in λ), so it integrates to 1. Empty bins are not
///   drawn (log scale).
/// - Red line: the fitted tail, `p(λ) = (n_tail / n) · (α − 1)/xmin · (λ/xmin)^(−α)` from xmin
///   to λ_max — a straight line of slope −α.
/// - Red dashed line: xmin. Green dashed line: the Marchenko–Pastur bulk edge, when fitted.
///
/// Geometry is fixed (``width`` × ``height``, plot area ``left``…``right``, ``top``…``bottom``)
/// and the plot group carries its axis ranges as `data-log-x` / `data-log-y` ("low high",
/// log₁₀ units), so a reader can map pixels back to data.
public struct SpectrumPlot: Sendable, Hashable {
  public static let width = 480.0
  public static let height = 320.0
  public static let left = 64.0
  public static let right = 464.0
  public static let top = 40.0
  public static let bottom = 272.0
  /// Bins across the spectrum (log-spaced): enough to show the tail's slope on 384–4096
  /// eigenvalues without most bins going empty.
  public static let binCount = 40

  public var title: String
  /// Eigenvalues above the threshold, ascending.
  public var eigenvalues: [Double]
  public var alpha: Double?
  public var xmin: Double?
  public var D: Double?
  public var tailSize: Int?
  public var bulkMax: Double?

  public init(_ m: MatrixAnalysis) {
    title = m.name
    eigenvalues = m.singular_values.map { $0 * $0 }.filter { $0 > PowerLawFit.threshold && $0.isFinite }.sorted()
    alpha = m.alpha
    xmin = m.xmin
    D = m.D
    tailSize = m.num_pl_spikes
    bulkMax = m.bulk_max
  }

  /// Density points `(λ, p)` of the non-empty bins, ascending in λ.
  public var densityPoints: [(lambda: Double, density: Double)] {
    guard let low = eigenvalues.first, let high = eigenvalues.last else { return [] }
    let a = log10(low), b = high > low ? log10(high) : log10(low) + 1
    let step = (b - a) / Double(Self.binCount)
    var counts = [Int](repeating: 0, count: Self.binCount)
    for x in eigenvalues { counts[min(Self.binCount - 1, max(0, Int((log10(x) - a) / step)))] += 1 }
    let n = Double(eigenvalues.count)
    return counts.indices.compactMap { k in
      guard counts[k] > 0 else { return nil }
      let lo = pow(10, a + Double(k) * step), hi = pow(10, a + Double(k + 1) * step)
      return ((lo * hi).squareRoot(), Double(counts[k]) / (n * (hi - lo)))
    }
  }

  /// The fitted tail's density at λ, or `nil` without a fit.
  public func fit(at lambda: Double) -> Double? {
    guard let alpha, let xmin, let tailSize, xmin > 0, !eigenvalues.isEmpty else { return nil }
    let fraction = Double(tailSize) / Double(eigenvalues.count)
    return fraction * (alpha - 1) / xmin * pow(lambda / xmin, -alpha)
  }

  /// The SVG document.
  public var svg: String {
    let points = densityPoints
    guard let lambdaLow = eigenvalues.first, let lambdaHigh = eigenvalues.last, !points.isEmpty else {
      return document(body: text(x: Self.width / 2, y: Self.height / 2, "no eigenvalues above \(PowerLawFit.threshold)", anchor: "middle"), range: nil)
    }
    var yValues = points.map(\.density)
    if let top = fit(at: xmin ?? lambdaLow), let bottom = fit(at: lambdaHigh) { yValues += [top, bottom] }
    let x0 = floor(log10(lambdaLow)), x1 = max(x0 + 1, ceil(log10(lambdaHigh)))
    let positive = yValues.filter { $0 > 0 && $0.isFinite }
    let y0 = floor(log10(positive.min() ?? 1e-3)), y1 = max(y0 + 1, ceil(log10(positive.max() ?? 1)))
    let px = { (v: Double) in Self.left + (log10(v) - x0) / (x1 - x0) * (Self.right - Self.left) }
    let py = { (v: Double) in Self.bottom - (log10(v) - y0) / (y1 - y0) * (Self.bottom - Self.top) }
    var body: [String] = []
    body.append(axes(x0: x0, x1: x1, y0: y0, y1: y1))
    body.append(
      "<polyline class=\"esd\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.2\" points=\""
        + points.map { "\(f(px($0.lambda))),\(f(py($0.density)))" }.joined(separator: " ") + "\"/>")
    for p in points {
      body.append("<circle class=\"bin\" cx=\"\(f(px(p.lambda)))\" cy=\"\(f(py(p.density)))\" r=\"2.5\" fill=\"#1f5fa8\"/>")
    }
    if let xmin, let alpha, let start = fit(at: xmin), let end = fit(at: lambdaHigh), lambdaHigh > xmin {
      body.append(
        "<line class=\"fit\" x1=\"\(f(px(xmin)))\" y1=\"\(f(py(start)))\" x2=\"\(f(px(lambdaHigh)))\" y2=\"\(f(py(end)))\" stroke=\"#c0392b\" stroke-width=\"1.6\"/>")
      body.append(verticalLine("xmin", at: px(xmin), colour: "#c0392b"))
      body.append(text(x: Self.right, y: Self.top - 6, "α = \(fixed(alpha, 3)) · D = \(fixed(D ?? .nan, 3)) · xmin = \(fixed(xmin, 4))", anchor: "end"))
    } else {
      body.append(text(x: Self.right, y: Self.top - 6, "no power-law fit", anchor: "end"))
    }
    if let bulkMax, bulkMax > 0, log10(bulkMax) >= x0, log10(bulkMax) <= x1 {
      body.append(verticalLine("bulk-edge", at: px(bulkMax), colour: "#27ae60"))
    }
    return document(body: body.joined(separator: "\n"), range: (x0, x1, y0, y1))
  }

  private func document(body: String, range: (Double, Double, Double, Double)?) -> String {
    let data = range.map { " data-log-x=\"\(f($0.0)) \(f($0.1))\" data-log-y=\"\(f($0.2)) \(f($0.3))\"" } ?? ""
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(f(Self.width))" height="\(f(Self.height))" viewBox="0 0 \(f(Self.width)) \(f(Self.height))" font-family="sans-serif" font-size="11">
      <title>\(escape(title))</title>
      <rect width="100%" height="100%" fill="white"/>
      \(text(x: Self.left, y: 18, title, anchor: "start", size: 13))
      <g class="plot"\(data)>
      \(body)
      </g>
      </svg>

      """
  }

  private func axes(x0: Double, x1: Double, y0: Double, y1: Double) -> String {
    var s = ["<rect x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(Self.right - Self.left))\" height=\"\(f(Self.bottom - Self.top))\" fill=\"none\" stroke=\"#444\"/>"]
    for k in Int(x0)...Int(x1) {
      let x = Self.left + (Double(k) - x0) / (x1 - x0) * (Self.right - Self.left)
      s.append("<line x1=\"\(f(x))\" y1=\"\(f(Self.bottom))\" x2=\"\(f(x))\" y2=\"\(f(Self.bottom + 4))\" stroke=\"#444\"/>")
      s.append(text(x: x, y: Self.bottom + 16, "1e\(k)", anchor: "middle"))
    }
    for k in Int(y0)...Int(y1) {
      let y = Self.bottom - (Double(k) - y0) / (y1 - y0) * (Self.bottom - Self.top)
      s.append("<line x1=\"\(f(Self.left - 4))\" y1=\"\(f(y))\" x2=\"\(f(Self.left))\" y2=\"\(f(y))\" stroke=\"#444\"/>")
      s.append(text(x: Self.left - 6, y: y + 4, "1e\(k)", anchor: "end"))
    }
    s.append(text(x: (Self.left + Self.right) / 2, y: Self.height - 12, "eigenvalue λ = σ²", anchor: "middle"))
    s.append(text(x: 14, y: (Self.top + Self.bottom) / 2, "density", anchor: "middle", rotate: true))
    return s.joined(separator: "\n")
  }

  private func verticalLine(_ name: String, at x: Double, colour: String) -> String {
    "<line class=\"\(name)\" x1=\"\(f(x))\" y1=\"\(f(Self.top))\" x2=\"\(f(x))\" y2=\"\(f(Self.bottom))\" stroke=\"\(colour)\" stroke-dasharray=\"4 3\"/>"
  }

  private func text(x: Double, y: Double, _ content: String, anchor: String, size: Int? = nil, rotate: Bool = false) -> String {
    let transform = rotate ? " transform=\"rotate(-90 \(f(x)) \(f(y)))\"" : ""
    let font = size.map { " font-size=\"\($0)\"" } ?? ""
    return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\"\(font)\(transform)>\(escape(content))</text>"
  }

  /// Pixel coordinates to 0.01 px.
  private func f(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(r)
  }

  private func fixed(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return "-" }
    let scale = pow(10, Double(digits))
    return String((v * scale).rounded() / scale)
  }

  private func escape(_ s: String) -> String { xmlEscaped(s) }
}

/// Text safe inside XML and HTML elements and quoted attributes.
func xmlEscaped(_ s: String) -> String {
  var out = ""
  for c in s {
    switch c {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    default: out.append(c)
    }
  }
  return out
}
