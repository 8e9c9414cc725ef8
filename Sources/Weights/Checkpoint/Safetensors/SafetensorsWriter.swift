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
      self.init(
        name: name, dtype: .f32, shape: shape,
        bytes: floats.flatMap { v in
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
    var headerBytes = headerText(entries: entries, sizes: entries.map(\.bytes.count))
    while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
    var out: [UInt8] = []
    out.reserveCapacity(8 + headerBytes.count + entries.reduce(0) { $0 + $1.bytes.count })
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: headerBytes)
    for e in entries { out.append(contentsOf: e.bytes) }
    return out
  }

  /// Writes the file atomically.
  public func write(to path: String) throws(AtomicFile.WriteError) {
    try AtomicFile.write(bytes(), to: path)
  }
}

extension SafetensorsWriter {
  /// A tensor described before its bytes exist, for streaming writes.
  public struct Plan: Sendable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var byteCount: Int

    public init(name: String, dtype: DType, shape: [Int], byteCount: Int) {
      self.name = name
      self.dtype = dtype
      self.shape = shape
      self.byteCount = byteCount
    }
  }

  /// Writes a safetensors file one tensor at a time, atomically: the header from `plans`, then
  /// each tensor's bytes as `produce(i)` returns them (each must be `plans[i].byteCount` long),
  /// so a converted model never needs to be in memory whole.
  public static func stream(
    _ plans: [Plan], metadata: [String: String], to path: String, produce: (Int) throws -> [UInt8]
  ) throws {
    let entries = plans.map { Entry(name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: []) }
    var header = SafetensorsWriter(entries: [], metadata: metadata).headerText(entries: entries, sizes: plans.map(\.byteCount))
    while header.count % 8 != 0 { header.append(0x20) }
    var failure: (any Error)?
    try AtomicFile.write(to: path) { (fd: Int32) throws(AtomicFile.WriteError) in
      var prefix: [UInt8] = []
      withUnsafeBytes(of: UInt64(header.count).littleEndian) { prefix.append(contentsOf: $0) }
      prefix.append(contentsOf: header)
      try AtomicFile.writeAll(fd, prefix, path: path)
      for i in plans.indices {
        let bytes: [UInt8]
        do { bytes = try produce(i) } catch let error {
          failure = error
          throw AtomicFile.WriteError(path: path, reason: "\(error)")
        }
        guard bytes.count == plans[i].byteCount else {
          throw AtomicFile.WriteError(path: path, reason: "tensor \(plans[i].name) produced \(bytes.count) bytes, not \(plans[i].byteCount)")
        }
        try AtomicFile.writeAll(fd, bytes, path: path)
      }
    }
    if let failure { throw failure }
  }

  /// The JSON header for `entries` with the given byte sizes.
  func headerText(entries: [Entry], sizes: [Int]) -> [UInt8] {
    var parts: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { "\(JSONValue.literal($0)):\(JSONValue.literal(metadata[$0] ?? ""))" }
      parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    var offset = 0
    for (e, size) in zip(entries, sizes) {
      let shape = e.shape.map(String.init).joined(separator: ",")
      parts.append(
        "\(JSONValue.literal(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
      offset += size
    }
    return Array(("{" + parts.joined(separator: ",") + "}").utf8)
  }
}
