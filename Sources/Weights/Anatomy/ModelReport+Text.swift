import Checkpoint

extension ModelReport {
  /// A human-readable summary: sizes, dtypes, the model-level tensors, and one row per layer
  /// giving each role's dtype (shapes are listed once, from the first layer).
  public func text() -> String {
    var lines: [String] = []
    func row(_ label: String, _ value: String) { lines.append(label.padding(13) + value) }
    row("Model", model)
    row("Format", "\(format), \(files.count) file\(files.count == 1 ? "" : "s"), \(Self.bytes(dataBytes)) of tensor data")
    row("Architecture", "\(architecture) (\(family) family)")
    row("Layers", "\(layerCount)")
    if let hiddenSize { row("Hidden size", "\(hiddenSize)") }
    if let headCount {
      var heads = "\(headCount)"
      if let kv = kvHeadCount, kv != headCount { heads += ", \(kv) key-value" }
      if let d = headDim { heads += ", head dim \(d)" }
      row("Heads", heads)
    }
    if let intermediateSize { row("MLP size", "\(intermediateSize)") }
    if let vocabSize { row("Vocabulary", "\(vocabSize)") }
    row("Parameters", "\(Self.grouped(parameterCount)) (\(Self.short(parameterCount)))")
    row("Dtypes", dtypes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
    if normGainOffset != 0 { row("Norm gains", "stored as offsets: effective gain = \(normGainOffset) + w") }
    if tiedEmbeddings { row("LM head", "tied to the token embedding") }
    if let licence = licence { row("Licence", licence) }

    let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let globals = tensors.filter { $0.layer == nil && $0.role != "buffer" && $0.role != "unmapped" }
      .sorted { a, b in
        let ra = Role(rawValue: a.role) ?? .unmapped, rb = Role(rawValue: b.role) ?? .unmapped
        return ra != rb ? ra < rb : (a.parameter == "weight" && b.parameter == "bias")
      }
    if !globals.isEmpty {
      lines.append("")
      lines.append("Model-level tensors")
      for t in globals {
        lines.append("  " + "\(t.role)\(t.parameter == "bias" ? " (bias)" : "")".padding(26) + t.dtype.padding(6) + Self.shape(t.shape).padding(14) + t.name)
      }
    }

    if let first = layers.first {
      let roles = Array(Set(layers.flatMap { $0.roles.filter { $0.parameter == "weight" }.map(\.role) }))
        .sorted { (Role(rawValue: $0) ?? .unmapped) < (Role(rawValue: $1) ?? .unmapped) }
      lines.append("")
      lines.append("Layers (dtype per role; * = slice of a fused tensor)")
      let firstShapes = roles.map { role -> String in
        guard let s = first.roles.first(where: { $0.role == role && $0.parameter == "weight" }),
          let t = byName[s.tensor]
        else { return "-" }
        var shape = t.shape
        if let o = s.outputs {
          let axis = t.layout == "in_out" ? 1 : 0
          if axis < shape.count { shape[axis] = o[1] - o[0] }
        }
        return Self.shape(shape)
      }
      let widths = zip(roles, firstShapes).map { max($0.count, $1.count) + 2 }
      lines.append("  " + "layer".padding(7) + zip(roles, widths).map { $0.padding($1) }.joined())
      lines.append("  " + "shape".padding(7) + zip(firstShapes, widths).map { $0.padding($1) }.joined())
      for layer in layers {
        let cells = roles.map { role -> String in
          guard let s = layer.roles.first(where: { $0.role == role && $0.parameter == "weight" }),
            let t = byName[s.tensor]
          else { return "-" }
          return t.dtype + (s.fusedFrom == nil ? "" : "*")
        }
        lines.append("  " + "\(layer.layer)".padding(7) + zip(cells, widths).map { $0.padding($1) }.joined())
      }
    }
    if !unmapped.isEmpty {
      lines.append("")
      lines.append("Unmapped tensors (analysed as plain matrices): \(unmapped.count)")
      for name in unmapped.prefix(20) {
        if let t = byName[name] { lines.append("  " + t.dtype.padding(6) + Self.shape(t.shape).padding(14) + name) }
      }
      if unmapped.count > 20 { lines.append("  … and \(unmapped.count - 20) more") }
    }
    if !buffers.isEmpty {
      lines.append("")
      lines.append("Buffers skipped: \(buffers.count)")
    }
    for w in warnings { lines.append("warning: \(w)") }
    return lines.map { $0.trimmingTrailingSpaces() }.joined(separator: "\n") + "\n"
  }

  static func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

  static func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(d)
    }
    return out
  }

  /// 134,515,008 → "134.5M".
  static func short(_ n: Int) -> String {
    let v = Double(n)
    if v >= 1e9 { return fixed1(v / 1e9) + "B" }
    if v >= 1e6 { return fixed1(v / 1e6) + "M" }
    if v >= 1e3 { return fixed1(v / 1e3) + "K" }
    return "\(n)"
  }

  static func bytes(_ n: Int) -> String {
    let v = Double(n)
    if v >= 1e9 { return fixed1(v / 1e9) + " GB" }
    if v >= 1e6 { return fixed1(v / 1e6) + " MB" }
    if v >= 1e3 { return fixed1(v / 1e3) + " kB" }
    return "\(n) B"
  }

  static func fixed1(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }

  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s.removeLast() }
    return String(s)
  }
}
