import Foundation
import Inside
import Sonify

/// The album's SVG figures (self-contained, no script, no external references): a tension
/// heatmap per piece and the album's overview.
enum AlbumFigures {
  /// z-scores beyond this are drawn at full colour.
  static let zScale = 4.0
  /// Category colours, in the order categories first appear.
  static let categoryColours = ["#61afef", "#e06c75", "#98c379", "#e5c07b", "#c678dd", "#56b6c2", "#d19a66", "#be5046", "#7f848e", "#abb2bf"]

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// `#rrggbb` for a z-score: blue below the reference mean, orange above, dark at 0.
  static func colour(_ z: Double) -> String {
    let i = Int(((max(-zScale, min(zScale, z)) / zScale + 1) * 127.5).rounded())
    let (r, g, b) = ReportPalette.diverging[max(0, min(255, i))]
    return String(format: "#%02x%02x%02x", r, g, b)
  }

  /// Layers up (0 at the bottom), scored tokens across; excluded positions named underneath.
  static func heatmap(_ r: PromptReading, title: String) -> String {
    let L = r.z.count, K = r.positions.count
    let cell = 14.0, left = 60.0, top = 60.0
    let width = max(left + Double(max(K, 1)) * cell + 130, 20 + 7.5 * Double(title.count)), height = top + Double(L) * cell + 110
    var s = svgHead(width: width, height: height)
    s += text(10, 18, title, size: 13, weight: "bold")
    s += text(10, 34, String(format: "tension %.2f: the closing tokens' mean at layer %d against the reference prompts'", r.tension, r.chosenLayer), size: 10)
    s += text(10, 48, "colour: each token's z against the reference set at that layer (amber bar: the chosen layer)", size: 10)
    for l in 0..<L {
      let y = top + Double(L - 1 - l) * cell
      if l % 5 == 0 || l == L - 1 { s += text(left - 8, y + cell - 3, "\(l)", size: 9, anchor: "end") }
      if l == r.chosenLayer { s += "<rect x=\"\(left - 4)\" y=\"\(y)\" width=\"3\" height=\"\(cell)\" fill=\"#f5b942\"/>\n" }
      for k in 0..<K {
        s += "<rect x=\"\(left + Double(k) * cell)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(colour(r.z[l][k]))\">"
        s += "<title>layer \(l), \(escape(shown(r.tokens[k]))) (position \(r.positions[k])): z = \(String(format: "%.2f", r.z[l][k]))</title></rect>\n"
      }
    }
    let base = top + Double(L) * cell
    for k in 0..<K {
      let x = left + Double(k) * cell + cell * 0.7
      s += "<text x=\"\(x)\" y=\"\(base + 6)\" font-size=\"9\" fill=\"#c8ccd4\" transform=\"rotate(60 \(x) \(base + 6))\">\(escape(shown(r.tokens[k])))</text>\n"
    }
    s += text(10, base - Double(L) * cell / 2, "layer", size: 10)
    let lx = left + Double(K) * cell + 20
    for (i, z) in [zScale, zScale / 2, 0, -zScale / 2, -zScale].enumerated() {
      s += "<rect x=\"\(lx)\" y=\"\(top + Double(i) * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(colour(z))\"/>"
      s += text(lx + cell + 6, top + Double(i) * cell + cell - 3, String(format: "z %+.0f", z), size: 9)
    }
    let excluded = r.excluded.map { String(format: "%d (%@, %.1f× median norm)", $0.position, $0.reason.rawValue.replacingOccurrences(of: "_", with: " "), $0.normRatio) }
    s += text(10, height - 10, "excluded positions: " + (excluded.isEmpty ? "none" : excluded.joined(separator: "; ")), size: 9)
    return s + "</svg>\n"
  }

  /// One bar per track (its tension), coloured by category, with the reference mean at 0.
  static func overview(_ tracks: [(category: String, tension: Double)], title: String) -> String {
    let categories = tracks.map(\.category).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    let bar = 8.0, left = 50.0, top = 40.0, plot = 260.0
    let width = left + Double(max(tracks.count, 1)) * bar + 240, height = top + plot + 40
    let high = max(1, tracks.map { abs($0.tension) }.max() ?? 1)
    func y(_ v: Double) -> Double { top + plot / 2 - v / high * plot / 2 }
    var s = svgHead(width: width, height: height)
    s += text(10, 20, title, size: 13, weight: "bold")
    s += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(left + Double(tracks.count) * bar)\" y2=\"\(y(0))\" stroke=\"#7f848e\"/>\n"
    for v in [-high, -high / 2, high / 2, high] { s += text(left - 6, y(v) + 3, String(format: "%.1f", v), size: 9, anchor: "end") }
    s += text(10, y(0) + 3, "z 0", size: 9)
    for (i, t) in tracks.enumerated() {
      let colour = categoryColours[(categories.firstIndex(of: t.category) ?? 0) % categoryColours.count]
      let (a, b) = (y(max(0, t.tension)), y(min(0, t.tension)))
      s += "<rect x=\"\(left + Double(i) * bar)\" y=\"\(a)\" width=\"\(bar - 1)\" height=\"\(max(0.5, b - a))\" fill=\"\(colour)\">"
      s += "<title>track \(i + 1), \(escape(t.category)): tension \(String(format: "%.2f", t.tension))</title></rect>\n"
    }
    let lx = left + Double(tracks.count) * bar + 20
    for (i, c) in categories.enumerated() {
      s += "<rect x=\"\(lx)\" y=\"\(top + Double(i) * 16)\" width=\"10\" height=\"10\" fill=\"\(categoryColours[i % categoryColours.count])\"/>"
      s += text(lx + 16, top + Double(i) * 16 + 9, c, size: 10)
    }
    s += text(left, height - 12, "tension: each prompt's mean over the closing tokens at the chosen layer, in standard deviations of the reference prompts'", size: 10)
    return s + "</svg>\n"
  }

  /// A token as shown: line breaks and tabs made visible.
  static func shown(_ token: String) -> String {
    token.replacingOccurrences(of: "\n", with: "↵").replacingOccurrences(of: "\t", with: "⇥")
  }

  static func svgHead(width: Double, height: Double) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\">\n"
      + "<rect width=\"100%\" height=\"100%\" fill=\"\(ReportPalette.background)\"/>\n"
  }

  static func text(_ x: Double, _ y: Double, _ t: String, size: Int, weight: String = "normal", anchor: String = "start") -> String {
    "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" font-weight=\"\(weight)\" text-anchor=\"\(anchor)\" fill=\"#c8ccd4\">\(escape(t))</text>\n"
  }
}
