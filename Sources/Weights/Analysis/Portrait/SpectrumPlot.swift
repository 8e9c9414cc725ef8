#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The empirical spectral density of one matrix — or of the same matrix in two checkpoints —
/// on log–log axes with its power-law fit, as an SVG document: the plot WeightWatcher draws
/// with `analyze(plot=True)` (the `powerlaw` package's `plot_pdf`).
///
/// Per series (one `<g class="series" data-series="k" data-name="…">`):
/// - Points: the density of the eigenvalues λ = σ² (those above ``PowerLawFit/threshold``) in
///   ``binCount`` bins of equal width in log₁₀ λ, each at its bin's geometric centre; density =
///   count / (number of eigenvalues × bin width in λ), so it integrates to 1. Empty bins are not
///   drawn (log scale).
/// - Solid line (`class="fit"`): the fitted tail, `p(λ) = (n_tail / n) · (α − 1)/xmin ·
///   (λ/xmin)^(−α)` from xmin to λ_max — a straight line of slope −α.
/// - Dashed lines: xmin (`class="xmin"`) and the Marchenko–Pastur bulk edge (`class="bulk-edge"`).
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
  /// Point and fit colours of the first and second series (blue/red, orange/purple).
  static let colours = [("#1f5fa8", "#c0392b", "#27ae60"), ("#e67e22", "#8e44ad", "#16a085")]

  /// One matrix's spectrum and fit.
  public struct Series: Sendable, Hashable {
    /// The matrix name (`data-name`), and what the legend calls it.
    public var name: String
    public var label: String
    /// Eigenvalues above the threshold, ascending.
    public var eigenvalues: [Double]
    public var alpha: Double?
    public var xmin: Double?
    public var D: Double?
    public var tailSize: Int?
    public var bulkMax: Double?

    public init(_ m: MatrixAnalysis, label: String? = nil) {
      name = m.name
      self.label = label ?? m.name
      eigenvalues = m.singularValues.map { $0 * $0 }.filter { $0 > PowerLawFit.threshold && $0.isFinite }.sorted()
      alpha = m.alpha
      xmin = m.xmin
      D = m.D
      tailSize = m.numPlSpikes
      bulkMax = m.bulkMax
    }

    /// Density points `(λ, p)` of the non-empty bins, ascending in λ.
    public var densityPoints: [(lambda: Double, density: Double)] {
      guard let low = eigenvalues.first, let high = eigenvalues.last else { return [] }
      let a = log10(low), b = high > low ? log10(high) : log10(low) + 1
      let step = (b - a) / Double(SpectrumPlot.binCount)
      var counts = [Int](repeating: 0, count: SpectrumPlot.binCount)
      for x in eigenvalues { counts[min(SpectrumPlot.binCount - 1, max(0, Int((log10(x) - a) / step)))] += 1 }
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

    /// "α = 2.46 · D = 0.084 · xmin = 5.2988", or "no power-law fit".
    var summary: String {
      guard let alpha, let xmin else { return "no power-law fit" }
      return "α = \(SpectrumPlot.fixed(alpha, 3)) · D = \(SpectrumPlot.fixed(D ?? .nan, 3)) · xmin = \(SpectrumPlot.fixed(xmin, 4))"
    }
  }

  public var title: String
  /// One series, or two (the first drawn in blue and red, the second in orange and purple).
  public var series: [Series]

  /// One matrix.
  public init(_ m: MatrixAnalysis) {
    title = m.name
    series = [Series(m)]
  }

  /// The same matrix in two checkpoints, on shared axes with a legend.
  public init(title: String, _ a: Series, _ b: Series) {
    self.title = title
    series = [a, b]
  }

  /// The SVG document.
  public var svg: String {
    let drawn = series.filter { !$0.densityPoints.isEmpty }
    let lambdas = drawn.flatMap(\.eigenvalues)
    guard let lambdaLow = lambdas.min(), let lambdaHigh = lambdas.max() else {
      return document(body: text(x: Self.width / 2, y: Self.height / 2, "no eigenvalues above \(PowerLawFit.threshold)", anchor: "middle"), range: nil)
    }
    var yValues = drawn.flatMap { $0.densityPoints.map(\.density) }
    for s in drawn {
      if let xmin = s.xmin, let top = s.fit(at: xmin), let bottom = s.fit(at: s.eigenvalues.last ?? xmin) { yValues += [top, bottom] }
    }
    let x0 = floor(log10(lambdaLow)), x1 = max(x0 + 1, ceil(log10(lambdaHigh)))
    let positive = yValues.filter { $0 > 0 && $0.isFinite }
    let y0 = floor(log10(positive.min() ?? 1e-3)), y1 = max(y0 + 1, ceil(log10(positive.max() ?? 1)))
    let px = { (v: Double) in Self.left + (log10(v) - x0) / (x1 - x0) * (Self.right - Self.left) }
    let py = { (v: Double) in Self.bottom - (log10(v) - y0) / (y1 - y0) * (Self.bottom - Self.top) }
    var body: [String] = [axes(x0: x0, x1: x1, y0: y0, y1: y1)]
    for (k, s) in series.enumerated() {
      let (pointColour, fitColour, edgeColour) = Self.colours[min(k, Self.colours.count - 1)]
      var g = ["<g class=\"series\" data-series=\"\(k)\" data-name=\"\(xmlEscaped(s.name))\">"]
      let points = s.densityPoints
      if !points.isEmpty {
        g.append(
          "<polyline class=\"esd\" fill=\"none\" stroke=\"\(pointColour)\" stroke-width=\"1.2\" points=\""
            + points.map { "\(f(px($0.lambda))),\(f(py($0.density)))" }.joined(separator: " ") + "\"/>")
      }
      for p in points {
        g.append("<circle class=\"bin\" cx=\"\(f(px(p.lambda)))\" cy=\"\(f(py(p.density)))\" r=\"2.5\" fill=\"\(pointColour)\"/>")
      }
      if let xmin = s.xmin, let high = s.eigenvalues.last, high > xmin, let start = s.fit(at: xmin), let end = s.fit(at: high) {
        g.append(
          "<line class=\"fit\" x1=\"\(f(px(xmin)))\" y1=\"\(f(py(start)))\" x2=\"\(f(px(high)))\" y2=\"\(f(py(end)))\" stroke=\"\(fitColour)\" stroke-width=\"1.6\"/>")
        g.append(verticalLine("xmin", at: px(xmin), colour: fitColour))
      }
      if let bulkMax = s.bulkMax, bulkMax > 0, log10(bulkMax) >= x0, log10(bulkMax) <= x1 {
        g.append(verticalLine("bulk-edge", at: px(bulkMax), colour: edgeColour))
      }
      g.append("</g>")
      body.append(g.joined(separator: "\n"))
    }
    if series.count == 1 {
      body.append(text(x: Self.right, y: Self.top - 6, series[0].summary, anchor: "end"))
    } else {
      body.append(
        "<rect class=\"legend\" x=\"\(f(Self.right - 286))\" y=\"\(f(Self.top + 3))\" width=\"282\" height=\"\(f(Double(series.count) * 14 + 4))\" fill=\"white\" fill-opacity=\"0.85\"/>"
      )
      for (k, s) in series.enumerated() {
        let y = Self.top + 14 + Double(k) * 14
        let colour = Self.colours[min(k, Self.colours.count - 1)].0
        body.append("<circle cx=\"\(f(Self.right - 8))\" cy=\"\(f(y - 4))\" r=\"3\" fill=\"\(colour)\"/>")
        body.append(text(x: Self.right - 14, y: y, "\(s.label): \(s.summary)", anchor: "end"))
      }
    }
    return document(body: body.joined(separator: "\n"), range: (x0, x1, y0, y1))
  }

  private func document(body: String, range: (Double, Double, Double, Double)?) -> String {
    let data = range.map { " data-log-x=\"\(f($0.0)) \(f($0.1))\" data-log-y=\"\(f($0.2)) \(f($0.3))\"" } ?? ""
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(f(Self.width))" height="\(f(Self.height))" viewBox="0 0 \(f(Self.width)) \(f(Self.height))" font-family="sans-serif" font-size="11">
      <title>\(xmlEscaped(title))</title>
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
    return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\"\(font)\(transform)>\(xmlEscaped(content))</text>"
  }

  /// Pixel coordinates to 0.01 px.
  private func f(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(r)
  }

  static func fixed(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return "-" }
    let scale = pow(10, Double(digits))
    return String((v * scale).rounded() / scale)
  }

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
