public import AtomicFile

/// Writes a GGUF file (version 3) that holds only metadata: no tensors. Eigentone uses it to
/// carry a SentencePiece-style tokenizer (`tokenizer.ggml.*`) beside safetensors weights, where
/// Hugging Face's `tokenizer.json` has no field for the scores it merges by. Keys are written
/// sorted, so the bytes depend only on the values. Integers are written as int64 (or uint64 when
/// they do not fit), floats as float32 (tokenizer scores are float32 in every GGUF file).
public enum GGUFMetadataWriter {
  public static func bytes(_ metadata: [String: MetadataValue]) -> [UInt8] {
    var out: [UInt8] = Array("GGUF".utf8)
    append(UInt32(3), to: &out)
    append(UInt64(0), to: &out)
    append(UInt64(metadata.count), to: &out)
    for key in metadata.keys.sorted() {
      guard let value = metadata[key] else { continue }
      string(key, to: &out)
      append(type(of: value), to: &out)
      write(value, to: &out)
    }
    while out.count % GGUFHeader.defaultAlignment != 0 { out.append(0) }
    return out
  }

  /// Writes the file atomically.
  public static func write(_ metadata: [String: MetadataValue], to path: String) throws(AtomicFile.WriteError) {
    try AtomicFile.write(bytes(metadata), to: path)
  }

  static func type(of value: MetadataValue) -> UInt32 {
    switch value {
    case .uint: 10
    case .int: 11
    case .float: 6
    case .bool: 7
    case .string: 8
    case .array: 9
    }
  }

  static func write(_ value: MetadataValue, to out: inout [UInt8]) {
    switch value {
    case .uint(let v): append(v, to: &out)
    case .int(let v): append(UInt64(bitPattern: v), to: &out)
    case .float(let v): append(Float(v).bitPattern, to: &out)
    case .bool(let v): out.append(v ? 1 : 0)
    case .string(let s): string(s, to: &out)
    case .array(let items):
      append(items.first.map { type(of: $0) } ?? 8, to: &out)
      append(UInt64(items.count), to: &out)
      for item in items { write(item, to: &out) }
    }
  }

  static func string(_ s: String, to out: inout [UInt8]) {
    let utf8 = Array(s.utf8)
    append(UInt64(utf8.count), to: &out)
    out.append(contentsOf: utf8)
  }

  static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
  }
}
