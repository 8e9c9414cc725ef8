import Foundation

/// `eigentone report`'s page: one self-contained HTML file (inline SVG and CSS, no script, no
/// network), the same bytes for the same report. Sections: the next-token lists, the attention
/// maps (every head of the first and the last layer, the head mean of every layer, the layer
/// flow from the last token) and the logit lens.
public struct InsideReportPage {
  public var report: InsideReport

  public init(report: InsideReport) { self.report = report }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// A token as shown: spaces visible, newlines escaped.
  static func show(_ s: String) -> String {
    escape(s.replacingOccurrences(of: " ", with: "␣").replacingOccurrences(of: "\n", with: "\\n"))
  }

  /// A queries × keys heatmap (probability → brightness).
  static func heatmap(_ m: [[Float]], cell: Double, title: String) -> String {
    let n = m.count
    let size = Double(n) * cell
    var svg = String(format: "<svg class=\"map\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\"><title>%@</title>", size, size, size, size, escape(title))
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"#0b0d12\"/>"
    for q in 0..<n {
      for k in 0...q where m[q][k] > 0.004 {
        let a = min(1, Double(m[q][k]).squareRoot())
        svg += String(
          format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f5b942\" fill-opacity=\"%.2f\"/>", Double(k) * cell, Double(q) * cell, cell, cell, a)
      }
    }
    return svg + "</svg>"
  }

  public var html: String {
    let r = report
    let T = r.tokens.count, L = r.layers
    var out = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>Inside \(Self.escape(r.model))</title>
      <style>
      body{background:#0d0f14;color:#d7dae0;font:13px system-ui,sans-serif;margin:24px}
      h1{font-weight:600}h2{margin-top:28px}table{border-collapse:collapse}td,th{padding:2px 6px;border-bottom:1px solid #232833;text-align:left;white-space:nowrap}
      .tok{font-family:ui-monospace,monospace}.maps{display:flex;flex-wrap:wrap;gap:10px}.maps figure{margin:0}figcaption{font-size:11px;color:#9aa0aa}
      .lens td{font-family:ui-monospace,monospace;font-size:11px}.settled{outline:1px solid #6cb6ff}
      </style></head><body>
      <h1>Inside \(Self.escape(r.model))</h1>
      <p>\(Self.escape(r.architecture)), \(L) layers, \(r.heads) heads; \(T) prompt tokens: <span class="tok">\(r.tokens.map(Self.show).joined(separator: " · "))</span></p>
      <p>Layer l is block l, counted from 0: the lens at layer l reads the residual stream after block l through the final norm (its statistics computed on that residual) and the unembedding, so its last layer is the model's own output.</p>

      """
    // Next-token lists.
    out += "<h2>Next token at every position</h2><table><tr><th>position</th><th>token</th>"
    for i in 1...5 { out += "<th>#\(i)</th>" }
    out += "</tr>\n"
    for t in 0..<T {
      out += "<tr><td>\(t)</td><td class=\"tok\">\(Self.show(r.tokens[t]))</td>"
      for c in r.nextToken[t].prefix(5) {
        out += String(format: "<td class=\"tok\" title=\"%.4f\">%@ <small>%.1f%%</small></td>", c.probability, Self.show(c.token), 100 * c.probability)
      }
      out += "</tr>\n"
    }
    out += "</table>\n"
    // Attention.
    let cell = max(2, min(8, 160 / Double(max(1, T))))
    for (label, l) in [("first", 0), ("last", L - 1)] {
      out += "<h2>Attention, \(label) layer (\(l)): every head</h2><div class=\"maps\">"
      for h in 0..<r.heads {
        out += "<figure>" + Self.heatmap(r.attention[l][h], cell: cell, title: "layer \(l), head \(h)") + "<figcaption>head \(h)</figcaption></figure>"
      }
      out += "</div>\n"
    }
    out += "<h2>Attention, head mean of every layer</h2><div class=\"maps\">"
    for l in 0..<L {
      var mean = [[Float]](repeating: [Float](repeating: 0, count: T), count: T)
      for h in 0..<r.heads { for q in 0..<T { for k in 0...q { mean[q][k] += r.attention[l][h][q][k] / Float(r.heads) } } }
      out += "<figure>" + Self.heatmap(mean, cell: max(1.5, cell / 2), title: "layer \(l), head mean") + "<figcaption>layer \(l)</figcaption></figure>"
    }
    out += "</div>\n<h2>Layer flow: attention from the last token, head mean</h2>"
    let fw = Double(T) * 12, fh = Double(L) * 10
    out += String(format: "<svg viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", fw + 60, fh, fw + 60, fh)
    for l in 0..<L {
      out += String(format: "<text x=\"0\" y=\"%.0f\" fill=\"#9aa0aa\" font-size=\"9\">layer %d</text>", Double(l) * 10 + 8, l)
      for k in 0..<T where r.layerFlow[l][k] > 0.004 {
        out += String(
          format: "<rect x=\"%.0f\" y=\"%.0f\" width=\"11\" height=\"9\" fill=\"#6cb6ff\" fill-opacity=\"%.2f\"><title>%@: %.3f</title></rect>", 60 + Double(k) * 12,
          Double(l) * 10, min(1, Double(r.layerFlow[l][k]).squareRoot()), Self.show(r.tokens[k]), r.layerFlow[l][k])
      }
    }
    out += "</svg>\n"
    // Logit lens.
    out += "<h2>Logit lens: the top token at every layer and position</h2>"
    out +=
      "<p>Shade: the top token's probability. Outlined: the layer from which the top token stays the final answer (where the model makes up its mind). Hover: the final answer's rank and probability.</p>"
    out += "<table class=\"lens\"><tr><th>layer</th>" + r.tokens.map { "<th class=\"tok\">\(Self.show($0))</th>" }.joined() + "</tr>\n"
    for l in stride(from: L - 1, through: 0, by: -1) {
      out += "<tr><td>\(l)</td>"
      for t in 0..<T {
        let e = r.logitLens[l][t]
        let settled = r.settles[t] == l ? " class=\"settled\"" : ""
        out += String(
          format: "<td%@ style=\"background:rgba(245,185,66,%.2f)\" title=\"answer rank %d, p %.4f\">%@</td>", settled, min(0.85, e.probability), e.answerRank, e.answerProbability,
          Self.show(String(e.token.prefix(12))))
      }
      out += "</tr>\n"
    }
    out += "</table>\n</body></html>\n"
    return out
  }
}
