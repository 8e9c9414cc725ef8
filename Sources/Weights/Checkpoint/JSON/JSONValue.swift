/// A parsed JSON value, kept exactly as written.
///
/// Numbers keep their source text so that integers that do not fit a `Double` (tensor offsets
/// in files over 2⁵³ bytes) are never rounded, and so that `1.0` can be told apart from `1`.
/// Objects keep their keys in source order; a duplicate key is a parse error.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// The number's source text, already checked against the JSON grammar.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

/// A JSON object whose keys are unique and remember their source order.
public struct JSONObject: Sendable, Hashable {
  /// Keys in the order they appear in the source.
  public private(set) var keys: [String] = []
  private var values: [String: JSONValue] = [:]

  public init() {}

  /// Adds `value` under `key`; returns `false` (and changes nothing) when the key exists.
  @discardableResult
  public mutating func insert(_ value: JSONValue, forKey key: String) -> Bool {
    guard values[key] == nil else { return false }
    keys.append(key)
    values[key] = value
    return true
  }

  public subscript(key: String) -> JSONValue? { values[key] }
  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }
}

extension JSONValue {
  /// A JSON string literal for `s`: quotes, backslashes and control characters escaped.
  public static func literal(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  /// The value as a non-negative integer, when it is written as one (no fraction, no
  /// exponent, no sign) and fits 64 bits.
  public var uint64Value: UInt64? {
    guard case .number(let text) = self else { return nil }
    return UInt64(text)
  }

  /// The value as an integer, when it is written as one and fits 64 bits.
  public var intValue: Int? {
    guard case .number(let text) = self else { return nil }
    return Int(text)
  }

  /// The value as a `Double`, for any JSON number.
  public var doubleValue: Double? {
    guard case .number(let text) = self else { return nil }
    return Double(text)
  }
}
