public import AtomicFile

/// Builds valid safetensors files: tensors packed back to back in the order given, a header
/// padded with spaces so the data section starts 8-byte aligned (as the reference writer does),
/// and `__metadata__` when there is any.
public struct SafetensorsWriter: Sendable {
  /// One tensor to write: its raw little-endian bytes must match `dtype` and `shape`.
  public struct Entry: Sendable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
      self.name = name
      self.dtype = dtype
      self.shape = shape
      self.bytes = bytes
    }

    /// An F32 tensor from values.
    public init(name: String, shape: [Int], floats: [Float]) {
      self.init(name: name, dtype: .f32, shape: shape, bytes: floats.flatMap { v in
        withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
      })
    }
  }

  public var entries: [Entry] = []
  public var metadata: [String: String] = [:]

  public init(entries: [Entry] = [], metadata: [String: String] = [:]) {
    self.entries = entries
    self.metadata = metadata
  }

  /// The complete file.
  public func bytes() -> [UInt8] {
    var header = "{"
    var parts: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { "\(Self.quote($0)):\(Self.quote(metadata[$0] ?? ""))" }
      parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    var offset = 0
    for e in entries {
      let shape = e.shape.map(String.init).joined(separator: ",")
      parts.append(
        "\(Self.quote(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
      offset += e.bytes.count
    }
    header += parts.joined(separator: ",") + "}"
    var headerBytes = Array(header.utf8)
    while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
    var out: [UInt8] = []
    out.reserveCapacity(8 + headerBytes.count + offset)
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: headerBytes)
    for e in entries { out.append(contentsOf: e.bytes) }
    return out
  }

  /// Writes the file atomically.
  public func write(to path: String) throws(AtomicFile.WriteError) {
    try AtomicFile.write(bytes(), to: path)
  }

  /// A JSON string literal for `s`.
  static func quote(_ s: String) -> String {
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
}
