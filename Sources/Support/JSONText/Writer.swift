/// Serialises a ``Node`` tree to UTF-8 bytes.
struct Writer {
  let pretty: Bool
  var bytes: [UInt8] = []
  /// Keys and indices from the root to the value being written (for error messages).
  var path: [String] = []

  init(pretty: Bool) {
    self.pretty = pretty
    bytes.reserveCapacity(1 << 16)
  }

  mutating func write(_ node: Node, depth: Int) throws(JSONText.EncodingError) {
    switch node {
    case .null: append("null")
    case .bool(let b): append(b ? "true" : "false")
    case .integer(let i): append(i.description)
    case .unsigned(let u): append(u.description)
    case .double(let x): try number(x)
    case .float(let x):
      guard x.isFinite else { throw nonFinite(Double(x)) }
      append(x.description)
    case .string(let s): string(s)
    case .doubles(let values): try numbers(values.count) { (w: inout Writer, i: Int) throws(JSONText.EncodingError) in try w.number(values[i]) }
    case .floats(let values):
      try numbers(values.count) { (w: inout Writer, i: Int) throws(JSONText.EncodingError) in
        guard values[i].isFinite else { throw w.nonFinite(Double(values[i])) }
        w.append(values[i].description)
      }
    case .integers(let values): try numbers(values.count) { (w: inout Writer, i: Int) throws(JSONText.EncodingError) in w.append(values[i].description) }
    case .array(let storage): try array(storage.items, depth: depth)
    case .object(let storage): try object(storage.values, depth: depth)
    case .pending(let encoder): try write(encoder.node ?? .object(ObjectStorage()), depth: depth)
    case .formatted(let text): bytes.append(contentsOf: text)
    }
  }

  mutating func number(_ x: Double) throws(JSONText.EncodingError) {
    guard x.isFinite else { throw nonFinite(x) }
    append(x.description)
  }

  func nonFinite(_ x: Double) -> JSONText.EncodingError {
    JSONText.EncodingError(path: path.joined(separator: "."), reason: "\(x) is not a JSON number")
  }

  /// A one-line array of `count` numbers written by `element`.
  mutating func numbers(
    _ count: Int, _ element: (inout Writer, Int) throws(JSONText.EncodingError) -> Void
  ) throws(JSONText.EncodingError) {
    bytes.append(UInt8(ascii: "["))
    for i in 0..<count {
      if i > 0 {
        bytes.append(UInt8(ascii: ","))
        if pretty { bytes.append(UInt8(ascii: " ")) }
      }
      path.append(String(i))
      try element(&self, i)
      path.removeLast()
    }
    bytes.append(UInt8(ascii: "]"))
  }

  mutating func array(_ items: [Node], depth: Int) throws(JSONText.EncodingError) {
    guard !items.isEmpty else { return append("[]") }
    let oneLine = !pretty || items.allSatisfy(\.isScalar)
    bytes.append(UInt8(ascii: "["))
    for (i, item) in items.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      if pretty { oneLine ? (i > 0 ? bytes.append(UInt8(ascii: " ")) : ()) : newline(depth + 1) }
      path.append(String(i))
      try write(item, depth: depth + 1)
      path.removeLast()
    }
    if pretty && !oneLine { newline(depth) }
    bytes.append(UInt8(ascii: "]"))
  }

  mutating func object(_ values: [String: Node], depth: Int) throws(JSONText.EncodingError) {
    guard !values.isEmpty else { return append("{}") }
    bytes.append(UInt8(ascii: "{"))
    for (i, key) in values.keys.sorted().enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      if pretty { newline(depth + 1) }
      string(key)
      append(pretty ? " : " : ":")
      path.append(key)
      try write(values[key] ?? .null, depth: depth + 1)
      path.removeLast()
    }
    if pretty { newline(depth) }
    bytes.append(UInt8(ascii: "}"))
  }

  mutating func newline(_ depth: Int) {
    bytes.append(UInt8(ascii: "\n"))
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
  }

  mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// A JSON string: quotes, backslashes and control characters escaped, "/" and non-ASCII kept.
  mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { utf8 in
      if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
        bytes.append(contentsOf: utf8)
        return
      }
      for b in utf8 {
        switch b {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        case ..<0x20:
          let hex = Array("0123456789abcdef".utf8)
          append("\\u00")
          bytes.append(hex[Int(b >> 4)])
          bytes.append(hex[Int(b & 15)])
        default: bytes.append(b)
        }
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

extension Node {
  /// Whether the node is written without nested containers (arrays of these stay on one line).
  var isScalar: Bool {
    switch self {
    case .array, .object, .pending, .doubles, .floats, .integers, .formatted: return false
    default: return true
    }
  }
}
