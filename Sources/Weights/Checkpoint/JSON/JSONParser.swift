/// A strict, bounded JSON parser (RFC 8259) over UTF-8 bytes.
///
/// Strict where model files need it: duplicate object keys, control characters in strings,
/// trailing garbage (NUL padding included) and nesting deeper than ``maximumDepth`` are errors.
/// Whitespace (space, tab, CR, LF) is allowed around the value, as the safetensors reference
/// reader allows. It never traps on hostile input: every failure is a ``JSONError``.
public struct JSONParser {
  /// Nesting limit. Model headers nest 3 deep; 64 leaves room for configuration files and
  /// keeps recursion far from the stack limit.
  public static let maximumDepth = 64

  private let bytes: UnsafeRawBufferPointer
  private var index = 0

  private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// Parses one JSON value that fills `bytes` apart from surrounding whitespace.
  public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else { throw JSONError(offset: parser.index, reason: "trailing characters") }
    return value
  }

  /// Parses one JSON value from an array of UTF-8 bytes.
  public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
    do {
      return try bytes.withUnsafeBytes { buffer throws(JSONError) -> JSONValue in try parse(buffer) }
    } catch let error as JSONError {
      throw error
    } catch {
      throw JSONError(offset: 0, reason: "\(error)")
    }
  }

  /// Parses one JSON value from a string.
  public static func parse(_ text: String) throws(JSONError) -> JSONValue {
    try parse(Array(text.utf8))
  }

  private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func skipWhitespace() {
    while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
  }

  private func fail(_ reason: String) -> JSONError { JSONError(offset: index, reason: reason) }

  private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
    guard depth < Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
    guard let c = current else { throw fail("unexpected end of input") }
    switch c {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw fail("unexpected character 0x\(String(c, radix: 16))")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
    let count = literal.utf8CodeUnitCount
    guard bytes.count - index >= count else { throw fail("unexpected end of input") }
    for k in 0..<count where bytes[index + k] != literal.utf8Start[k] {
      throw fail("invalid literal")
    }
    index += count
  }

  private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
    index += 1
    var object = JSONObject()
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      index += 1
      return .object(object)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
      let keyOffset = index
      let key = try parseString()
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw fail("expected ':'") }
      index += 1
      skipWhitespace()
      let value = try parseValue(depth: depth + 1)
      guard object.insert(value, forKey: key) else {
        throw JSONError(offset: keyOffset, reason: "duplicate key", key: key)
      }
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"):
        index += 1
        return .object(object)
      default: throw fail("expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      switch current {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"):
        index += 1
        return .array(elements)
      default: throw fail("expected ',' or ']'")
      }
    }
  }

  private mutating func parseNumber() throws(JSONError) -> String {
    let start = index
    if current == UInt8(ascii: "-") { index += 1 }
    guard let first = current, isDigit(first) else { throw fail("invalid number") }
    if first == UInt8(ascii: "0") {
      index += 1
    } else {
      while let c = current, isDigit(c) { index += 1 }
    }
    if current == UInt8(ascii: ".") {
      index += 1
      guard let c = current, isDigit(c) else { throw fail("invalid number") }
      while let c = current, isDigit(c) { index += 1 }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      index += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
      guard let c = current, isDigit(c) else { throw fail("invalid number") }
      while let c = current, isDigit(c) { index += 1 }
    }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
  }

  private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

  private mutating func parseString() throws(JSONError) -> String {
    index += 1  // opening quote
    var scalars = String.UnicodeScalarView()
    var runStart = index
    func flushRun(_ end: Int) throws(JSONError) {
      guard end > runStart else { return }
      let run = UnsafeRawBufferPointer(rebasing: bytes[runStart..<end])
      guard let text = String(validating: run, as: UTF8.self) else {
        throw JSONError(offset: runStart, reason: "invalid UTF-8 in string")
      }
      scalars.append(contentsOf: text.unicodeScalars)
    }
    while true {
      guard let c = current else { throw fail("unterminated string") }
      switch c {
      case UInt8(ascii: "\""):
        try flushRun(index)
        index += 1
        return String(scalars)
      case UInt8(ascii: "\\"):
        try flushRun(index)
        index += 1
        scalars.append(try parseEscape())
        runStart = index
      case 0..<0x20:
        throw fail("control character in string")
      default:
        index += 1
      }
    }
  }

  private mutating func parseEscape() throws(JSONError) -> Unicode.Scalar {
    guard let c = current else { throw fail("unterminated escape") }
    index += 1
    switch c {
    case UInt8(ascii: "\""): return "\""
    case UInt8(ascii: "\\"): return "\\"
    case UInt8(ascii: "/"): return "/"
    case UInt8(ascii: "b"): return "\u{08}"
    case UInt8(ascii: "f"): return "\u{0C}"
    case UInt8(ascii: "n"): return "\n"
    case UInt8(ascii: "r"): return "\r"
    case UInt8(ascii: "t"): return "\t"
    case UInt8(ascii: "u"):
      let high = try parseHex4()
      if (0xD800..<0xDC00).contains(high) {
        guard current == UInt8(ascii: "\\") else { throw fail("unpaired surrogate") }
        index += 1
        guard current == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
        index += 1
        let low = try parseHex4()
        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
        let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        guard let scalar = Unicode.Scalar(value) else { throw fail("invalid escape") }
        return scalar
      }
      guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired surrogate") }
      return scalar
    default:
      throw fail("invalid escape")
    }
  }

  private mutating func parseHex4() throws(JSONError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw fail("unterminated escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[index]
      let digit: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }
}

/// Why a JSON text was rejected, and where.
public struct JSONError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Byte offset into the parsed text.
  public var offset: Int
  public var reason: String
  /// The key involved, for duplicate keys.
  public var key: String?

  public init(offset: Int, reason: String, key: String? = nil) {
    self.offset = offset
    self.reason = reason
    self.key = key
  }

  public var description: String {
    if let key { return "\(reason) \"\(key)\" at byte \(offset)" }
    return "\(reason) at byte \(offset)"
  }
}
