/// A metadata value from a model file: safetensors `__metadata__` strings, GGUF key-value
/// pairs of any GGUF type, or a `config.json` scalar.
public enum MetadataValue: Sendable, Hashable {
  case string(String)
  case int(Int64)
  case uint(UInt64)
  case float(Double)
  case bool(Bool)
  case array([MetadataValue])

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The value as an `Int`, for any integer type that fits (and integral floats).
  public var intValue: Int? {
    switch self {
    case .int(let v): Int(exactly: v)
    case .uint(let v): Int(exactly: v)
    case .float(let v): Int(exactly: v)
    default: nil
    }
  }

  public var doubleValue: Double? {
    switch self {
    case .int(let v): Double(v)
    case .uint(let v): Double(v)
    case .float(let v): v
    default: nil
    }
  }

  public var arrayValue: [MetadataValue]? {
    if case .array(let a) = self { return a }
    return nil
  }
}

extension MetadataValue: Encodable {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .string(let v): try container.encode(v)
    case .int(let v): try container.encode(v)
    case .uint(let v): try container.encode(v)
    case .float(let v): try container.encode(v)
    case .bool(let v): try container.encode(v)
    case .array(let v): try container.encode(v)
    }
  }
}
