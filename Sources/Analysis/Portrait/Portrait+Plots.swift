extension Portrait {
  /// One SVG spectrum plot per matrix (``SpectrumPlot``) in ``tensorsInLayerOrder``, named
  /// `NNN-name.svg` (the position, then the matrix name with anything but letters, digits, `.`,
  /// `-` and `_` replaced by `_`), and an `index.html` that shows them all with their α.
  public func plotFiles() -> [(name: String, contents: String)] {
    let matrices = tensorsInLayerOrder
    let digits = String(max(1, matrices.count - 1)).count
    var files: [(name: String, contents: String)] = []
    var rows: [String] = []
    for (i, m) in matrices.enumerated() {
      let position = String(repeating: "0", count: digits - String(i).count) + String(i)
      let safe = String(m.name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
      let name = "\(position)-\(safe).svg"
      files.append((name, SpectrumPlot(m).svg))
      let alpha = m.alpha.map { String(($0 * 1000).rounded() / 1000) } ?? "-"
      rows.append("<figure><img src=\"\(name)\" alt=\"\(xmlEscaped(m.name))\"><figcaption>\(xmlEscaped(m.name)) · \(xmlEscaped(m.role)) · α \(alpha)</figcaption></figure>")
    }
    let index = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>Spectra: \(xmlEscaped(model))</title>
      <style>body{font-family:sans-serif;margin:1em}figure{display:inline-block;margin:4px;vertical-align:top}figure img{width:400px;height:auto}figcaption{font-size:12px;max-width:400px}</style></head>
      <body><h1>Spectra of \(xmlEscaped(model))</h1>
      <p>\(matrices.count) matrices, model-level first, then layer by layer. Blue: density of λ = σ² (log–log); red: the power-law fit from xmin; green: the Marchenko–Pastur bulk edge.</p>
      \(rows.joined(separator: "\n"))
      </body></html>

      """
    files.append(("index.html", index))
    return files
  }
}
