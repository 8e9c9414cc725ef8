/// A Swift `Encoder` that builds a ``Node`` tree. One instance encodes one value.
final class TreeEncoder: Encoder {
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  var node: Node?

  init(codingPath: [any CodingKey]) {
    self.codingPath = codingPath
  }

  /// The tree of `value`, taking the unboxed fast paths for numbers and arrays of numbers.
  static func node<T: Encodable>(for value: T, codingPath: [any CodingKey]) throws -> Node {
    switch value {
    case let v as Double: return .double(v)
    case let v as Float: return .float(v)
    case let v as Int: return .integer(Int64(v))
    case let v as String: return .string(v)
    case let v as Bool: return .bool(v)
    case let v as [Double]: return .doubles(v)
    case let v as [Float]: return .floats(v)
    case let v as [Int]: return .integers(v)
    default:
      let encoder = TreeEncoder(codingPath: codingPath)
      try value.encode(to: encoder)
      return encoder.node ?? .object(ObjectStorage())
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    let storage: ObjectStorage
    if case .object(let existing)? = node {
      storage = existing
    } else {
      storage = ObjectStorage()
      node = .object(storage)
    }
    return KeyedEncodingContainer(KeyedContainer<Key>(storage: storage, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    let storage: ArrayStorage
    if case .array(let existing)? = node {
      storage = existing
    } else {
      storage = ArrayStorage()
      node = .array(storage)
    }
    return UnkeyedContainer(storage: storage, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleValueContainer(encoder: self)
  }
}

/// A key for array positions in coding paths.
struct IndexKey: CodingKey {
  var intValue: Int?
  var stringValue: String { intValue.map(String.init) ?? "" }
  init(_ index: Int) { intValue = index }
  init?(stringValue: String) { return nil }
  init?(intValue: Int) { self.intValue = intValue }
}

/// A key for `superEncoder()`.
struct SuperKey: CodingKey {
  var stringValue: String { "super" }
  var intValue: Int? { nil }
  init() {}
  init?(stringValue: String) {}
  init?(intValue: Int) { return nil }
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let storage: ObjectStorage
  let codingPath: [any CodingKey]

  mutating func encodeNil(forKey key: Key) throws { storage.values[key.stringValue] = .null }
  mutating func encode(_ value: Bool, forKey key: Key) throws { storage.values[key.stringValue] = .bool(value) }
  mutating func encode(_ value: String, forKey key: Key) throws { storage.values[key.stringValue] = .string(value) }
  mutating func encode(_ value: Double, forKey key: Key) throws { storage.values[key.stringValue] = .double(value) }
  mutating func encode(_ value: Float, forKey key: Key) throws { storage.values[key.stringValue] = .float(value) }
  mutating func encode(_ value: Int, forKey key: Key) throws { storage.values[key.stringValue] = .integer(Int64(value)) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { storage.values[key.stringValue] = .integer(Int64(value)) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { storage.values[key.stringValue] = .integer(Int64(value)) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { storage.values[key.stringValue] = .integer(Int64(value)) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { storage.values[key.stringValue] = .integer(value) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { storage.values[key.stringValue] = .unsigned(UInt64(value)) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { storage.values[key.stringValue] = .unsigned(UInt64(value)) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { storage.values[key.stringValue] = .unsigned(UInt64(value)) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { storage.values[key.stringValue] = .unsigned(UInt64(value)) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { storage.values[key.stringValue] = .unsigned(value) }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    storage.values[key.stringValue] = try TreeEncoder.node(for: value, codingPath: codingPath + [key])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let nested = ObjectStorage()
    storage.values[key.stringValue] = .object(nested)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let nested = ArrayStorage()
    storage.values[key.stringValue] = .array(nested)
    return UnkeyedContainer(storage: nested, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder {
    let encoder = TreeEncoder(codingPath: codingPath + [SuperKey()])
    storage.values["super"] = .pending(encoder)
    return encoder
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    let encoder = TreeEncoder(codingPath: codingPath + [key])
    storage.values[key.stringValue] = .pending(encoder)
    return encoder
  }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
  let storage: ArrayStorage
  let codingPath: [any CodingKey]
  var count: Int { storage.items.count }

  mutating func encodeNil() throws { storage.items.append(.null) }
  mutating func encode(_ value: Bool) throws { storage.items.append(.bool(value)) }
  mutating func encode(_ value: String) throws { storage.items.append(.string(value)) }
  mutating func encode(_ value: Double) throws { storage.items.append(.double(value)) }
  mutating func encode(_ value: Float) throws { storage.items.append(.float(value)) }
  mutating func encode(_ value: Int) throws { storage.items.append(.integer(Int64(value))) }
  mutating func encode(_ value: Int64) throws { storage.items.append(.integer(value)) }
  mutating func encode(_ value: UInt64) throws { storage.items.append(.unsigned(value)) }

  mutating func encode<T: Encodable>(_ value: T) throws {
    storage.items.append(try TreeEncoder.node(for: value, codingPath: codingPath + [IndexKey(count)]))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    let nested = ObjectStorage()
    let path = codingPath + [IndexKey(count)]
    storage.items.append(.object(nested))
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: nested, codingPath: path))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let nested = ArrayStorage()
    let path = codingPath + [IndexKey(count)]
    storage.items.append(.array(nested))
    return UnkeyedContainer(storage: nested, codingPath: path)
  }

  mutating func superEncoder() -> any Encoder {
    let encoder = TreeEncoder(codingPath: codingPath + [IndexKey(count)])
    storage.items.append(.pending(encoder))
    return encoder
  }
}

struct SingleValueContainer: SingleValueEncodingContainer {
  let encoder: TreeEncoder
  var codingPath: [any CodingKey] { encoder.codingPath }

  mutating func encodeNil() throws { encoder.node = .null }
  mutating func encode(_ value: Bool) throws { encoder.node = .bool(value) }
  mutating func encode(_ value: String) throws { encoder.node = .string(value) }
  mutating func encode(_ value: Double) throws { encoder.node = .double(value) }
  mutating func encode(_ value: Float) throws { encoder.node = .float(value) }
  mutating func encode(_ value: Int) throws { encoder.node = .integer(Int64(value)) }
  mutating func encode(_ value: Int64) throws { encoder.node = .integer(value) }
  mutating func encode(_ value: UInt64) throws { encoder.node = .unsigned(value) }

  mutating func encode<T: Encodable>(_ value: T) throws {
    encoder.node = try TreeEncoder.node(for: value, codingPath: codingPath)
  }
}
