import Foundation
import Theory
import Yams

extension Preset {
  /// Reads a preset file.
  public static func load(path: String) throws(PresetError) -> Preset {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PresetError(file: path, line: nil, key: "file", reason: "cannot be read")
    }
    return try parse(String(decoding: data, as: UTF8.self), file: path)
  }

  /// Parses preset YAML. Every error names the key and the line.
  public static func parse(_ text: String, file: String) throws(PresetError) -> Preset {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw PresetError(file: file, line: 1, key: "document", reason: "is empty")
      }
      root = node
    } catch let error as PresetError {
      throw error
    } catch let error as YamlError {
      throw PresetError(file: file, line: Self.line(of: error), key: "document", reason: "is not valid YAML")
    } catch {
      throw PresetError(file: file, line: nil, key: "document", reason: "is not valid YAML")
    }
    let reader = NodeReader(file: file)
    let top = try reader.mapping(root, key: "document")
    let known: Set<String> = ["genre", "description", "tempo", "time_signature", "scale", "form", "parts", "mappings", "settings"]
    try reader.rejectUnknown(top, known: known, context: "")
    let genre = try reader.string(top, "genre")
    let description = try reader.optionalString(top, "description") ?? ""
    let tempo = try reader.number(top, "tempo", range: 20...400)
    let signature = try reader.numbers(top, "time_signature", count: 2)
    guard signature[0] >= 1, signature[0] <= 32, [2.0, 4, 8, 16].contains(signature[1]) else {
      throw reader.fail(top["time_signature"], "time_signature", "must be [beats, 2|4|8|16]")
    }
    let modeName = try reader.string(top, "scale")
    guard let mode = Mode(name: modeName) else {
      throw reader.fail(top["scale"], "scale", "unknown mode \"\(modeName)\" (try \(Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    var form: [Section] = []
    for (i, item) in try reader.sequence(top, "form").enumerated() {
      let m = try reader.mapping(item, key: "form[\(i)]")
      try reader.rejectUnknown(m, known: ["name", "bars"], context: "form[\(i)].")
      form.append(Section(name: try reader.string(m, "name", context: "form[\(i)]."), bars: Int(try reader.number(m, "bars", range: 0...4096, context: "form[\(i)]."))))
    }
    var parts: [Part] = []
    for (i, item) in try reader.sequence(top, "parts").enumerated() {
      let c = "parts[\(i)]."
      let m = try reader.mapping(item, key: "parts[\(i)]")
      try reader.rejectUnknown(m, known: ["name", "channel", "program", "drums", "patch", "range"], context: c)
      let drums = try reader.optionalBool(m, "drums", context: c) ?? false
      let channel = Int(try reader.number(m, "channel", range: 1...16, context: c))
      if drums && channel != 10 { throw reader.fail(m["channel"], c + "channel", "drums play on channel 10") }
      var range = Pitch(clamping: 0)...Pitch(clamping: 127)
      if m["range"] != nil {
        let names = try reader.strings(m, "range", count: 2, context: c)
        guard let lo = Pitch(name: names[0]), let hi = Pitch(name: names[1]), lo <= hi else {
          throw reader.fail(m["range"], c + "range", "must be two pitch names, low first (e.g. [C2, C4])")
        }
        range = lo...hi
      }
      parts.append(
        Part(
          name: try reader.string(m, "name", context: c), channel: channel,
          program: drums ? 0 : Int(try reader.number(m, "program", range: 0...127, context: c)), drums: drums,
          patch: try reader.optionalString(m, "patch", context: c) ?? "", range: range))
    }
    var mappings: [String: Mapping] = [:]
    if let node = top["mappings"] {
      let m = try reader.mapping(node, key: "mappings")
      for (keyNode, value) in m {
        let target = keyNode.string ?? ""
        let c = "mappings.\(target)."
        let entry = try reader.mapping(value, key: "mappings.\(target)")
        try reader.rejectUnknown(entry, known: ["from", "normalize", "range", "curve", "quantize", "threshold"], context: c)
        let normalizeName = try reader.optionalString(entry, "normalize", context: c) ?? "rank"
        guard let normalize = Mapping.Normalization(rawValue: normalizeName) else {
          throw reader.fail(entry["normalize"], c + "normalize", "must be one of \(Mapping.Normalization.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let curveName = try reader.optionalString(entry, "curve", context: c) ?? "linear"
        guard let curve = Mapping.Curve(rawValue: curveName) else {
          throw reader.fail(entry["curve"], c + "curve", "must be linear, exp or log")
        }
        var range = 0.0...1.0
        if entry["range"] != nil {
          let r = try reader.numbers(entry, "range", count: 2, context: c)
          guard r[0] <= r[1] else { throw reader.fail(entry["range"], c + "range", "low must not exceed high") }
          range = r[0]...r[1]
        }
        let from = try reader.string(entry, "from", context: c)
        guard let statistic = Statistic(parsing: from) else {
          throw reader.fail(entry["from"], c + "from", "unknown statistic \"\(from)\"; expected \(Statistic.grammar)")
        }
        mappings[target] = Mapping(
          source: statistic, normalize: normalize, range: range, curve: curve,
          quantize: try reader.optionalNumber(entry, "quantize", context: c),
          threshold: try reader.optionalNumber(entry, "threshold", context: c), line: entry["from"]?.mark?.line)
      }
    }
    var settings: [String: Double] = [:]
    if let node = top["settings"] {
      for (keyNode, _) in try reader.mapping(node, key: "settings") {
        let key = keyNode.string ?? ""
        settings[key] = try reader.number(try reader.mapping(node, key: "settings"), key, range: -1e9...1e9, context: "settings.")
      }
    }
    return Preset(
      genre: genre, file: file, description: description, tempo: tempo, timeSignature: (Int(signature[0]), Int(signature[1])),
      mode: mode, form: form, parts: parts, mappings: mappings, settings: settings)
  }

  static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
    default: nil
    }
  }
}

/// Typed access to a YAML node tree that remembers lines for errors.
struct NodeReader {
  let file: String

  func fail(_ node: Node?, _ key: String, _ reason: String) -> PresetError {
    PresetError(file: file, line: node?.mark?.line, key: key, reason: reason)
  }

  func mapping(_ node: Node, key: String) throws(PresetError) -> Node.Mapping {
    guard let m = node.mapping else { throw fail(node, key, "must be a mapping") }
    return m
  }

  func rejectUnknown(_ m: Node.Mapping, known: Set<String>, context: String) throws(PresetError) {
    for (k, _) in m where !known.contains(k.string ?? "") {
      throw fail(k, context + (k.string ?? "?"), "unknown key (expected one of \(known.sorted().joined(separator: ", ")))")
    }
  }

  func string(_ m: Node.Mapping, _ key: String, context: String = "") throws(PresetError) -> String {
    guard let v = m[key] else { throw PresetError(file: file, line: m.mark?.line, key: context + key, reason: "is missing") }
    guard let s = v.string, v.scalar != nil else { throw fail(v, context + key, "must be text") }
    return s
  }

  func optionalString(_ m: Node.Mapping, _ key: String, context: String = "") throws(PresetError) -> String? {
    m[key] == nil ? nil : try string(m, key, context: context)
  }

  func number(_ m: Node.Mapping, _ key: String, range: ClosedRange<Double>, context: String = "") throws(PresetError) -> Double {
    guard let v = m[key] else { throw PresetError(file: file, line: m.mark?.line, key: context + key, reason: "is missing") }
    guard let s = v.scalar?.string, let d = Double(s), d.isFinite else { throw fail(v, context + key, "must be a number") }
    guard range.contains(d) else { throw fail(v, context + key, "must be between \(range.lowerBound) and \(range.upperBound)") }
    return d
  }

  func optionalNumber(_ m: Node.Mapping, _ key: String, context: String = "") throws(PresetError) -> Double? {
    m[key] == nil ? nil : try number(m, key, range: -1e12...1e12, context: context)
  }

  func optionalBool(_ m: Node.Mapping, _ key: String, context: String = "") throws(PresetError) -> Bool? {
    guard let v = m[key] else { return nil }
    switch v.scalar?.string.lowercased() {
    case "true", "yes": return true
    case "false", "no": return false
    default: throw fail(v, context + key, "must be true or false")
    }
  }

  func sequence(_ m: Node.Mapping, _ key: String, context: String = "") throws(PresetError) -> [Node] {
    guard let v = m[key] else { throw PresetError(file: file, line: m.mark?.line, key: context + key, reason: "is missing") }
    guard let s = v.sequence else { throw fail(v, context + key, "must be a list") }
    return Array(s)
  }

  func numbers(_ m: Node.Mapping, _ key: String, count: Int, context: String = "") throws(PresetError) -> [Double] {
    let items = try sequence(m, key, context: context)
    let values = items.compactMap { $0.scalar?.string }.compactMap(Double.init)
    guard values.count == count, items.count == count else {
      throw fail(m[key], context + key, "must be a list of \(count) numbers")
    }
    return values
  }

  func strings(_ m: Node.Mapping, _ key: String, count: Int, context: String = "") throws(PresetError) -> [String] {
    let items = try sequence(m, key, context: context)
    let values = items.compactMap { $0.scalar?.string }
    guard values.count == count, items.count == count else { throw fail(m[key], context + key, "must be a list of \(count) items") }
    return values
  }
}
