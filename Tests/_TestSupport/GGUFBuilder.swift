import Checkpoint

/// Writes GGUF files for tests: any metadata, any tensor infos, deliberate corruption.
/// Independent of the reader (it only appends bytes), so reader tests check real layouts.
public struct GGUFBuilder {
  public enum Value {
    case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), f32(Float), bool(Bool)
    case string(String), u64(UInt64), i64(Int64), f64(Double)
    case array(type: UInt32, [Value])
    /// An array header claiming `count` elements, with no elements after it.
    case arrayHeader(type: UInt32, count: UInt64)

    var typeID: UInt32 {
      switch self {
      case .u8: 0
      case .i8: 1
      case .u16: 2
      case .i16: 3
      case .u32: 4
      case .i32: 5
      case .f32: 6
      case .bool: 7
      case .string: 8
      case .array, .arrayHeader: 9
      case .u64: 10
      case .i64: 11
      case .f64: 12
      }
    }
  }

  public struct Tensor {
    public var name: String
    /// Dimensions innermost first, as GGUF stores them.
    public var dims: [UInt64]
    public var type: UInt32
    public var data: [UInt8]
    /// Overrides the computed offset.
    public var offset: UInt64?

    public init(name: String, dims: [UInt64], type: UInt32, data: [UInt8], offset: UInt64? = nil) {
      self.name = name
      self.dims = dims
      self.type = type
      self.data = data
      self.offset = offset
    }
  }

  public var version: UInt32 = 3
  public var metadata: [(String, Value)] = []
  public var tensors: [Tensor] = []
  public var alignment = 32

  public init() {}

  /// Adds an F32 tensor with values, `shape` outermost first.
  public mutating func addF32(_ name: String, shape: [Int], values: [Float]) {
    let data = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    tensors.append(Tensor(name: name, dims: shape.reversed().map(UInt64.init), type: 0, data: data))
  }

  public func bytes() -> [UInt8] {
    var out: [UInt8] = []
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    func putString(_ s: String) {
      put(UInt64(s.utf8.count))
      out.append(contentsOf: s.utf8)
    }
    func putValue(_ v: Value) {
      switch v {
      case .u8(let x): put(x)
      case .i8(let x): put(x)
      case .u16(let x): put(x)
      case .i16(let x): put(x)
      case .u32(let x): put(x)
      case .i32(let x): put(x)
      case .f32(let x): put(x.bitPattern)
      case .bool(let x): put(UInt8(x ? 1 : 0))
      case .string(let s): putString(s)
      case .u64(let x): put(x)
      case .i64(let x): put(x)
      case .f64(let x): put(x.bitPattern)
      case .array(let type, let items):
        put(type)
        put(UInt64(items.count))
        for item in items { putValue(item) }
      case .arrayHeader(let type, let count):
        put(type)
        put(count)
      }
    }
    put(UInt32(0x4655_4747))
    put(version)
    put(UInt64(tensors.count))
    put(UInt64(metadata.count))
    for (key, value) in metadata {
      putString(key)
      put(value.typeID)
      putValue(value)
    }
    var offset: UInt64 = 0
    var offsets: [UInt64] = []
    for t in tensors {
      let o = t.offset ?? offset
      offsets.append(o)
      offset = (o &+ UInt64(t.data.count) &+ UInt64(alignment) &- 1) / UInt64(alignment) &* UInt64(alignment)
    }
    for (t, o) in zip(tensors, offsets) {
      putString(t.name)
      put(UInt32(t.dims.count))
      for d in t.dims { put(d) }
      put(t.type)
      put(o)
    }
    while out.count % alignment != 0 { out.append(0) }
    let dataStart = out.count
    for (t, o) in zip(tensors, offsets) where o < 1 << 24 {
      let at = dataStart + Int(o)
      if out.count < at { out.append(contentsOf: [UInt8](repeating: 0, count: at - out.count)) }
      if out.count == at { out.append(contentsOf: t.data) }
    }
    return out
  }
}
