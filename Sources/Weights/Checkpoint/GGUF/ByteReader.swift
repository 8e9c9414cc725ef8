/// A bounds-checked little-endian cursor over untrusted bytes. Every read that would pass the
/// end throws; no count read from the file is trusted before it is checked against what is
/// left, so hostile lengths fail before any allocation.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  let path: String
  private(set) var offset: Int = 0

  init(_ bytes: UnsafeRawBufferPointer, path: String) {
    self.bytes = bytes
    self.path = path
  }

  var remaining: Int { bytes.count - offset }

  func fail(_ reason: CheckpointError.Reason, tensor: String? = nil) -> CheckpointError {
    CheckpointError(file: path, tensor: tensor, reason: reason)
  }

  mutating func skip(_ count: Int, what: String) throws(CheckpointError) {
    guard count >= 0, count <= remaining else { throw fail(.truncated(what)) }
    offset += count
  }

  mutating func read<T: FixedWidthInteger>(_: T.Type, what: String) throws(CheckpointError) -> T {
    guard MemoryLayout<T>.size <= remaining else { throw fail(.truncated(what)) }
    let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    offset += MemoryLayout<T>.size
    return value
  }

  /// Reads a GGUF string: a `UInt64` byte length, then that many UTF-8 bytes. Invalid UTF-8 is
  /// repaired with U+FFFD rather than rejected (tokenizer tables in the wild contain it).
  mutating func readString(what: String) throws(CheckpointError) -> String {
    let length = try read(UInt64.self, what: what)
    guard length <= UInt64(remaining) else { throw fail(.countTooLarge(what: "\(what) byte", count: length)) }
    let n = Int(length)
    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]), as: UTF8.self)
    offset += n
    return text
  }
}
