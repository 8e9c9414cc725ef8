/// Builds safetensors bytes by hand, for malformed-file tests: any header text, any declared
/// header length, any data.
public enum RawSafetensors {
  /// `8-byte length + header + data`; `declaredLength` overrides the length field.
  public static func bytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    bytes(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
  }

  public static func bytes(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    var out: [UInt8] = []
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: headerBytes)
    out.append(contentsOf: data)
    return out
  }
}
