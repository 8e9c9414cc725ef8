extension Portrait {
  /// One SVG spectrum plot per matrix (``SpectrumPlot``) in ``tensorsInLayerOrder``, named
  /// `NNN-name.svg` (the position, then the matrix name with anything but letters, digits, `.`,
  /// `-` and `_` replaced by `_`), and an `index.html` that shows them all with their α.
  public func plotFiles() -> [(name: String, contents: String)] {
    let plots = tensorsInLayerOrder.map { m in
      (plot: SpectrumPlot(m), caption: "\(m.name) · \(m.role) · α \(m.alpha.map { String(($0 * 1000).rounded() / 1000) } ?? "-")")
    }
    return SpectrumPlot.files(
      plots, heading: "Spectra of \(model)",
      legend:
        "\(plots.count) matrices, model-level first, then layer by layer. Blue: density of λ = σ² (log–log); red: the power-law fit from xmin; green: the Marchenko–Pastur bulk edge."
    )
  }
}

extension SpectrumPlot {
  /// `NNN-name.svg` for each plot in order (name: the first series' matrix name with anything but
  /// letters, digits, `.`, `-` and `_` replaced by `_`) and an `index.html` showing them all with
  /// their captions.
  public static func files(_ plots: [(plot: SpectrumPlot, caption: String)], heading: String, legend: String) -> [(name: String, contents: String)] {
    let digits = String(max(1, plots.count - 1)).count
    var files: [(name: String, contents: String)] = []
    var figures: [String] = []
    for (i, p) in plots.enumerated() {
      let position = String(repeating: "0", count: digits - String(i).count) + String(i)
      let safe = String(p.plot.title.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
      let name = "\(position)-\(safe).svg"
      files.append((name, p.plot.svg))
      figures.append("<figure><img src=\"\(name)\" alt=\"\(xmlEscaped(p.plot.title))\"><figcaption>\(xmlEscaped(p.caption))</figcaption></figure>")
    }
    let index = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>\(xmlEscaped(heading))</title>
      <style>body{font-family:sans-serif;margin:1em}figure{display:inline-block;margin:4px;vertical-align:top}figure img{width:400px;height:auto}figcaption{font-size:12px;max-width:400px}</style></head>
      <body><h1>\(xmlEscaped(heading))</h1>
      <p>\(xmlEscaped(legend))</p>
      \(figures.joined(separator: "\n"))
      </body></html>

      """
    files.append(("index.html", index))
    return files
  }
}
