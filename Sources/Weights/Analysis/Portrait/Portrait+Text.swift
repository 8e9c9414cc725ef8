extension Portrait {
  /// The compact table `eigentone analyze` prints: one row per layer (mean α, stable rank,
  /// log norm, tension, kurtosis over the layer's matrices), the model-level matrices, the
  /// suggested key, and warnings (α < 2 over-trained, α > 6 under-trained, NaN/Inf).
  public func text() -> String {
    var lines: [String] = []
    let s = summary
    lines.append("Model        \(model)")
    lines.append("Architecture \(s.architecture), \(s.layerCount) layers, \(s.matrixCount) matrices analysed (\(method) method)")
    lines.append("Mean alpha   \(Self.cell(s.alpha))   stable rank \(Self.cell(s.stableRank))   log norm \(Self.cell(s.logNorm))")
    lines.append("Key          \(s.suggestedKey.name)  (\(s.suggestedKey.reason))")
    lines.append("")
    let header = ["layer", "alpha", "stable rank", "log norm", "tension", "kurtosis", "spectral shift"]
    var rows: [[String]] = [header]
    for l in layers {
      rows.append([
        "\(l.layer)", Self.cell(l.meanAlpha), Self.cell(l.meanStableRank), Self.cell(l.meanLogNorm),
        Self.cell(l.tension), Self.cell(l.meanKurtosis), Self.cell(l.meanSpectralDistance),
      ])
    }
    let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
    for row in rows {
      lines.append("  " + zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count + 2) }.joined())
    }
    let globals = tensors.filter { $0.layer == nil }
    if !globals.isEmpty {
      lines.append("")
      lines.append("Model-level matrices")
      for m in globals {
        lines.append(
          "  \(m.role)  \(m.name)  [\(m.shape.map(String.init).joined(separator: " × "))]  alpha \(Self.cell(m.alpha))  stable rank \(Self.cell(m.stableRank))  log norm \(Self.cell(m.logNorm))  kurtosis \(Self.cell(m.kurtosis))"
        )
      }
    }
    var warnings: [String] = []
    for m in tensorsInLayerOrder {
      if let a = m.alpha, a < 2 { warnings.append("\(m.name): alpha \(Self.cell(a)) < 2 (over-trained)") }
      if let a = m.alpha, a > 6 { warnings.append("\(m.name): alpha \(Self.cell(a)) > 6 (under-trained)") }
    }
    warnings += s.warnings
    if !warnings.isEmpty {
      lines.append("")
      lines.append("Warnings (\(warnings.count))")
      for w in warnings.prefix(40) { lines.append("  " + w) }
      if warnings.count > 40 { lines.append("  … and \(warnings.count - 40) more (see --json)") }
    }
    return lines.map { l in
      var t = Substring(l)
      while t.last == " " { t.removeLast() }
      return String(t)
    }.joined(separator: "\n") + "\n"
  }

  /// Three significant decimals, or "-".
  static func cell(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "-" }
    let r = (x * 1000).rounded() / 1000
    var text = "\(r)"
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
  }
}
