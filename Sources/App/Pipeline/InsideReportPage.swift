import Foundation
import Inside

/// `eigentone report`'s page: one self-contained HTML file (inline SVG, PNG data and CSS, no
/// network; readable without JavaScript, with one small script that links hovering: a prompt
/// position under the pointer is highlighted in every figure), the same bytes for the same
/// report. Sections, in the issue's order: 1 the embedding maps, 2 the embedding heatmaps, 3 the
/// next-token lists, 4 attention (every head of the first and last layers, the head mean of
/// every layer, the layer flow), 5 head specialisation, 6 the logit lens.
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

  static func png(_ image: IndexedPNG) -> String { "data:image/png;base64," + Data(image.bytes).base64EncodedString() }

  /// A queries × keys map: the probabilities as a PNG (one pixel a cell, scaled up without
  /// smoothing) with a row marker the hover script moves.
  static func attentionMap(_ m: [[Float]], size: Double, title: String) -> String {
    let n = m.count
    var pixels = [UInt8](repeating: 0, count: n * n)
    for q in 0..<n { for k in 0...q { pixels[q * n + k] = UInt8(min(255, (Double(m[q][k]).squareRoot() * 255).rounded())) } }
    let image = IndexedPNG(width: n, height: n, palette: ReportPalette.attention, pixels: pixels)
    return String(format: "<svg class=\"att\" data-n=\"%d\" viewBox=\"0 0 %d %d\" width=\"%.0f\" height=\"%.0f\">", n, n, n, size, size) + "<title>\(escape(title))</title>"
      + "<image href=\"\(png(image))\" width=\"\(n)\" height=\"\(n)\" style=\"image-rendering:pixelated\"/>"
      + "<rect class=\"row\" x=\"0\" y=\"0\" width=\"\(n)\" height=\"1\" fill=\"none\" stroke=\"#6cb6ff\" stroke-width=\"0.15\" style=\"display:none\"/></svg>"
  }

  /// A scatter of 2-D points coloured by category; the prompt's tokens ringed.
  static func scatter(_ points: [[Double]], figures e: InsideReport.EmbeddingFigures, prompt: Set<Int>, title: String) -> String {
    let size = 300.0, pad = 10.0
    let xs = points.map { $0[0] }, ys = points.map { $0[1] }
    let (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1), (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
    let span = max(x1 - x0, y1 - y0, 1e-12)
    var svg = String(format: "<svg class=\"scatter\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", size, size, size, size)
    svg += "<title>\(escape(title))</title><rect width=\"100%\" height=\"100%\" fill=\"#0b0d12\"/>"
    // Prompt tokens last, so they are drawn on top.
    let order = points.indices.sorted { (prompt.contains(e.ids[$0]) ? 1 : 0, $0) < (prompt.contains(e.ids[$1]) ? 1 : 0, $1) }
    for i in order {
      let x = pad + (points[i][0] - x0) / span * (size - 2 * pad), y = size - pad - (points[i][1] - y0) / span * (size - 2 * pad)
      let inPrompt = prompt.contains(e.ids[i])
      svg += String(
        format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%@\" fill=\"%@\"%@><title>%@ (%@)</title></circle>", x, y, inPrompt ? "4" : "2",
        ReportPalette.colour(e.categories[i].rawValue), inPrompt ? " stroke=\"#fff\" stroke-width=\"1\" data-id=\"\(e.ids[i])\"" : " fill-opacity=\"0.8\"", show(e.tokens[i]),
        e.categories[i].rawValue)
    }
    return svg + "</svg>"
  }

  static func legend(_ classes: [String]) -> String {
    "<p class=\"legend\">"
      + classes.map { "<span><i style=\"background:\(ReportPalette.colour($0))\"></i>\($0.replacingOccurrences(of: "_", with: " "))</span>" }.joined(separator: " ")
      + "</p>"
  }

  public var html: String {
    let r = report
    let T = r.tokens.count, L = r.layers, e = r.embedding
    let idList = r.ids.map(String.init).joined(separator: ",")
    var out = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>Inside \(Self.escape(r.model))</title>
      <style>
      body{background:\(ReportPalette.background);color:#d7dae0;font:13px system-ui,sans-serif;margin:24px}
      h1{font-weight:600}h2{margin-top:32px}table{border-collapse:collapse}td,th{padding:2px 6px;border-bottom:1px solid #232833;text-align:left;white-space:nowrap}
      .tok{font-family:ui-monospace,monospace}.maps{display:flex;flex-wrap:wrap;gap:10px}.maps figure{margin:0}figcaption{font-size:11px;color:#9aa0aa}
      .lens td{font-family:ui-monospace,monospace;font-size:11px}.settled{outline:1px solid #6cb6ff}.note{color:#9aa0aa;max-width:70em}
      .legend span{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
      .hl{background:#2b3a55!important;outline:1px solid #6cb6ff}circle.hl{stroke:#6cb6ff;stroke-width:3}
      .heat img{image-rendering:pixelated;display:block}.prompt span{padding:1px 3px;margin:1px;border:1px solid #232833;display:inline-block}
      </style></head><body data-ids="\(idList)">
      <h1>Inside \(Self.escape(r.model))</h1>
      <p>\(Self.escape(r.architecture)) (\(r.kind) model), \(L) layers, \(r.heads) heads; \(T) prompt tokens:</p>
      <p class="prompt tok">\(r.tokens.enumerated().map { "<span data-t=\"\($0.offset)\">\(Self.show($0.element))</span>" }.joined())</p>
      <p class="note">Layer l is block l, counted from 0: the lens at layer l reads the residual stream after block l through the final norm (its statistics computed on that residual) and the unembedding, so its last layer is the model's own output. Hover a prompt token (or a row of an attention map) to highlight its position everywhere. The numbers behind every figure: <code>eigentone report --json</code>.</p>

      """
    // §1 Embedding maps.
    let prompt = Set(r.ids)
    out += "<section id=\"embedding-map\"><h2>1. Token embeddings in the plane: trained and untrained</h2>"
    out +=
      "<p class=\"note\">Shown: \(Self.escape(e.subset)). The untrained twin has the same shape, initialised by \(Self.escape(e.untrainedInitialization)). PCA: the first two principal axes; neighbour embedding: exact t-SNE (perplexity 30, seed \(e.untrainedSeed)). Ringed: the prompt's tokens.</p>"
    let categoryNames = Array(Set(e.categories)).sorted().map(\.rawValue)
    out += Self.legend(categoryNames) + "<div class=\"maps\">"
    for (label, p) in [("trained", e.trained), ("untrained twin", e.untrained)] {
      out += "<figure>" + Self.scatter(p.pca, figures: e, prompt: prompt, title: "PCA, \(label)")
      out += String(
        format: "<figcaption>PCA, %@ (axes explain %.1f%% and %.1f%%)</figcaption></figure>", label, 100 * (p.explained.first ?? 0), 100 * (p.explained.dropFirst().first ?? 0))
    }
    for (label, p) in [("trained", e.trained), ("untrained twin", e.untrained)] {
      out += "<figure>" + Self.scatter(p.neighbour, figures: e, prompt: prompt, title: "t-SNE, \(label)")
      out += String(format: "<figcaption>t-SNE, %@ (KL %.3f)</figcaption></figure>", label, p.divergence)
    }
    out += "</div></section>\n"
    // §2 Embedding heatmaps.
    out += "<section id=\"embedding-heatmap\"><h2>2. Embedding heatmaps: dimensions × tokens, one colour scale</h2>"
    out += String(
      format:
        "<p class=\"note\">Rows: the %d dimensions; columns: the tokens above, sorted by category (strip on top). Blue −%.4f, dark 0, orange +%.4f for both models (the 99.5th percentile of |value|); beyond is clipped.</p>",
      e.width, e.heatmapScale, e.heatmapScale)
    if let maps = r.heatmaps {
      let n = e.ids.count
      var strip = "<svg viewBox=\"0 0 \(n) 1\" width=\"\(n)\" height=\"6\" preserveAspectRatio=\"none\">"
      var start = 0
      for i in 1...n where i == n || e.categories[i] != e.categories[start] {
        strip += "<rect x=\"\(start)\" width=\"\(i - start)\" height=\"1\" fill=\"\(ReportPalette.colour(e.categories[start].rawValue))\"/>"
        start = i
      }
      strip += "</svg>"
      out += "<div class=\"maps heat\">"
      for (label, pixels) in [("trained", maps.trained), ("untrained twin", maps.untrained)] {
        let image = IndexedPNG(width: n, height: e.width, palette: ReportPalette.diverging, pixels: pixels)
        out += "<figure>\(strip)<img alt=\"embedding heatmap, \(label)\" src=\"\(Self.png(image))\" width=\"\(n)\" height=\"\(e.width)\"><figcaption>\(label)</figcaption></figure>"
      }
      out += "</div>"
    }
    out += "</section>\n"
    // §3 Next-token lists.
    out += "<section id=\"next-token\"><h2>3. Next token at every position</h2><table><tr><th>position</th><th>token</th>"
    for i in 1...10 { out += "<th>#\(i)</th>" }
    out += "</tr>\n"
    for t in 0..<T {
      out += "<tr data-t=\"\(t)\"><td>\(t)</td><td class=\"tok\">\(Self.show(r.tokens[t]))</td>"
      for c in r.nextToken[t].prefix(10) {
        out += String(format: "<td class=\"tok\" title=\"%.4f\">%@ <small>%.1f%%</small></td>", c.probability, Self.show(c.token), 100 * c.probability)
      }
      out += "</tr>\n"
    }
    out += "</table></section>\n"
    // §4 Attention.
    let size = max(96, min(200, Double(T) * 6))
    out += "<section id=\"attention\"><h2>4. Attention</h2><p class=\"note\">Rows: queries, columns: keys (brightness: √probability).</p>"
    for (label, l) in [("first", 0), ("last", L - 1)] {
      out += "<h3>Layer \(l) (\(label)): every head</h3><div class=\"maps\">"
      for h in 0..<r.heads {
        out += "<figure>" + Self.attentionMap(r.attention[l][h], size: size, title: "layer \(l), head \(h)") + "<figcaption>head \(h)</figcaption></figure>"
      }
      out += "</div>\n"
    }
    out += "<h3>Head mean of every layer</h3><div class=\"maps\">"
    for l in 0..<L {
      var mean = [[Float]](repeating: [Float](repeating: 0, count: T), count: T)
      for h in 0..<r.heads { for q in 0..<T { for k in 0...q { mean[q][k] += r.attention[l][h][q][k] / Float(r.heads) } } }
      out += "<figure>" + Self.attentionMap(mean, size: size / 2, title: "layer \(l), head mean") + "<figcaption>layer \(l)</figcaption></figure>"
    }
    out += "</div>\n<h3>Layer flow: attention from the last token, head mean</h3>"
    let fw = Double(T) * 12, fh = Double(L) * 10
    out += String(format: "<svg id=\"flow\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", fw + 60, fh, fw + 60, fh)
    for l in 0..<L {
      out += String(format: "<text x=\"0\" y=\"%.0f\" fill=\"#9aa0aa\" font-size=\"9\">layer %d</text>", Double(l) * 10 + 8, l)
      for k in 0..<T where r.layerFlow[l][k] > 0.004 {
        out += String(
          format: "<rect data-t=\"%d\" x=\"%.0f\" y=\"%.0f\" width=\"11\" height=\"9\" fill=\"#6cb6ff\" fill-opacity=\"%.2f\"><title>%@: %.3f</title></rect>", k,
          60 + Double(k) * 12, Double(l) * 10, min(1, Double(r.layerFlow[l][k]).squareRoot()), Self.show(r.tokens[k]), r.layerFlow[l][k])
      }
    }
    out += "</svg></section>\n"
    out += headSection(r)
    // §6 Logit lens.
    out += "<section id=\"logit-lens\"><h2>6. Logit lens: the top token at every layer and position</h2>"
    out +=
      "<p class=\"note\">Shade: the top token's probability. Outlined: the layer from which the top token stays the final answer (where the model makes up its mind). Hover a cell: the final answer's rank and probability.</p>"
    out += "<table class=\"lens\"><tr><th>layer</th>" + r.tokens.enumerated().map { "<th class=\"tok\" data-t=\"\($0.offset)\">\(Self.show($0.element))</th>" }.joined() + "</tr>\n"
    for l in stride(from: L - 1, through: 0, by: -1) {
      out += "<tr><td>\(l)</td>"
      for t in 0..<T {
        let x = r.logitLens[l][t]
        let settled = r.settles[t] == l ? " class=\"settled\"" : ""
        out += String(
          format: "<td%@ data-t=\"%d\" style=\"background:rgba(245,185,66,%.2f)\" title=\"answer rank %d, p %.4f\">%@</td>", settled, t, min(0.85, x.probability), x.answerRank,
          x.answerProbability, Self.show(String(x.token.prefix(12))))
      }
      out += "</tr>\n"
    }
    out += "</table></section>\n"
    out += Self.script
    out += "</body></html>\n"
    return out
  }

  /// §5: a grid of layers × heads, each cell a bar of the head's attention mass by key class.
  func headSection(_ r: InsideReport) -> String {
    let p = r.headProfile
    var out = "<section id=\"heads\"><h2>5. Head specialisation: where each head looks</h2>"
    out +=
      "<p class=\"note\">Each bar: one head's attention mass by key class, averaged over the queries of \(p.prompts.count) prompts (the prompt and \(p.prompts.count - 1) samples). \"first\" is the first token of a prompt whatever it is (attention sinks park there).</p>"
    out += Self.legend(p.classes)
    let cw = 48.0, ch = 12.0, left = 50.0
    let H = r.heads, L = r.layers
    out += String(
      format: "<svg id=\"head-grid\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", left + Double(H) * cw, Double(L + 1) * ch, left + Double(H) * cw,
      Double(L + 1) * ch)
    for h in 0..<H { out += String(format: "<text x=\"%.0f\" y=\"9\" fill=\"#9aa0aa\" font-size=\"9\">head %d</text>", left + Double(h) * cw, h) }
    let marked = Set(p.mostDifferent.map { "\($0.layer).\($0.head)" })
    for l in 0..<L {
      let y = Double(l + 1) * ch
      out += String(format: "<text x=\"0\" y=\"%.0f\" fill=\"#9aa0aa\" font-size=\"9\">layer %d</text>", y + 9, l)
      for h in 0..<H {
        var x = left + Double(h) * cw
        for (c, m) in p.mass[l][h].enumerated() where m > 0.002 {
          out += String(
            format: "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%@\"><title>layer %d head %d: %@ %.3f</title></rect>", x, y + 1, m * (cw - 4), ch - 2,
            ReportPalette.colour(p.classes[c]), l, h, p.classes[c], m)
          x += m * (cw - 4)
        }
        if marked.contains("\(l).\(h)") {
          out += String(format: "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"none\" stroke=\"#fff\"/>", left + Double(h) * cw - 1, y, cw - 2, ch)
        }
      }
    }
    out += "</svg>"
    if p.mostDifferent.count == 2 {
      let a = p.mostDifferent[0], b = p.mostDifferent[1]
      out += String(
        format:
          "<p>Most different pair: <b>layer %d head %d</b> and <b>layer %d head %d</b> (total variation distance %.3f: that share of attention mass would have to move to turn one into the other).</p>",
        a.layer, a.head, b.layer, b.head, p.distance)
      out += "<table><tr><th>head</th>" + p.classes.map { "<th>\($0)</th>" }.joined() + "</tr>"
      for x in [a, b] {
        out += "<tr><td>\(x.layer).\(x.head)</td>" + p.mass[x.layer][x.head].map { String(format: "<td>%.3f</td>", $0) }.joined() + "</tr>"
      }
      out += "</table>"
    }
    out += "<details><summary>Sample prompts</summary><ol>" + p.prompts.map { "<li class=\"tok\">\(Self.show($0))</li>" }.joined() + "</ol></details></section>\n"
    return out
  }

  /// Linked hover: a position under the pointer (a prompt token, a table row or column, a row
  /// of an attention map) is highlighted everywhere, with its token's point in the maps.
  static let script = """
    <script>
    (function(){
    var ids=document.body.dataset.ids.split(",");var on=null;
    function mark(t,v){
    document.querySelectorAll('[data-t="'+t+'"]').forEach(function(e){e.classList.toggle("hl",v)});
    document.querySelectorAll('[data-id="'+ids[t]+'"]').forEach(function(e){e.classList.toggle("hl",v)});
    document.querySelectorAll("svg.att").forEach(function(s){var r=s.querySelector(".row");r.setAttribute("y",t);r.style.display=v?"":"none"});}
    function set(t){if(on===t)return;if(on!==null)mark(on,false);on=t;if(t!==null)mark(t,true);}
    document.addEventListener("mouseover",function(e){var x=e.target.closest("[data-t]");if(x)set(x.dataset.t);});
    document.querySelectorAll("svg.att").forEach(function(s){s.addEventListener("mousemove",function(e){var b=s.getBoundingClientRect();var n=+s.dataset.n;set(String(Math.min(n-1,Math.floor((e.clientY-b.top)/b.height*n))));});});
    window.eigentoneMark=set;
    })();
    </script>

    """
}
