/// The parsed and validated header of a GGUF file (versions 2 and 3).
///
/// Layout: magic `GGUF`, version (`UInt32`), tensor count and metadata count (`UInt64`), the
/// metadata key-value pairs, the tensor infos, padding to `general.alignment` (default 32),
/// then the data section. Every count and length is checked against the bytes left before
/// anything is allocated; tensor offsets must be aligned, inside the file and not overlap.
/// Dimensions are stored innermost first; ``TensorInfo/shape`` lists them outermost first.
public struct GGUFHeader: Sendable {
  /// Default data alignment when `general.alignment` is absent.
  public static let defaultAlignment = 32
  /// GGML supports at most four dimensions.
  public static let maximumDimensions = 4
  /// Deepest nesting of metadata arrays accepted.
  public static let maximumArrayDepth = 8

  public var version: UInt32
  /// Metadata key-value pairs in file order.
  public var metadataKeys: [String]
  public var metadata: [String: MetadataValue]
  public var tensors: [TensorInfo]
  public var alignment: Int
  public var dataStart: Int

  /// Parses a GGUF file held in `bytes` (the whole file, usually a memory map).
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, path: String, fileIndex: Int = 0
  ) throws(CheckpointError) -> GGUFHeader {
    var reader = ByteReader(bytes, path: path)
    let magic = try reader.read(UInt32.self, what: "the magic number")
    guard magic == 0x4655_4747 else { throw reader.fail(.badMagic) }  // "GGUF" little-endian
    let version = try reader.read(UInt32.self, what: "the version")
    guard version == 2 || version == 3 else { throw reader.fail(.unsupportedVersion(version)) }
    let tensorCount = try reader.read(UInt64.self, what: "the tensor count")
    let metadataCount = try reader.read(UInt64.self, what: "the metadata count")
    // Smallest key-value pair: 8-byte key length + 4-byte type + 1-byte value.
    guard metadataCount <= UInt64(reader.remaining / 13) else {
      throw reader.fail(.countTooLarge(what: "metadata", count: metadataCount))
    }
    var keys: [String] = []
    var metadata: [String: MetadataValue] = [:]
    for _ in 0..<Int(metadataCount) {
      let key = try reader.readString(what: "a metadata key")
      let type = try reader.read(UInt32.self, what: "the type of \"\(key)\"")
      let value = try readValue(type: type, reader: &reader, key: key, depth: 0)
      if metadata.updateValue(value, forKey: key) != nil {
        throw reader.fail(.invalidField(field: key, detail: "metadata key appears twice"))
      }
      keys.append(key)
    }

    var alignment = defaultAlignment
    if let value = metadata["general.alignment"] {
      guard let a = value.intValue, a > 0, a & (a - 1) == 0, a <= 1 << 20 else {
        throw reader.fail(.invalidAlignment(UInt64(value.intValue ?? 0)))
      }
      alignment = a
    }

    // Smallest tensor info: 8-byte name length + 4-byte n_dims + 4-byte type + 8-byte offset.
    guard tensorCount <= UInt64(reader.remaining / 24) else {
      throw reader.fail(.countTooLarge(what: "tensor", count: tensorCount))
    }
    struct RawInfo {
      var name: String
      var dims: [UInt64]
      var dtype: DType
      var offset: UInt64
    }
    var raw: [RawInfo] = []
    raw.reserveCapacity(Int(tensorCount))
    var seen = Set<String>()
    for _ in 0..<Int(tensorCount) {
      let name = try reader.readString(what: "a tensor name")
      guard seen.insert(name).inserted else { throw reader.fail(.duplicateTensor, tensor: name) }
      let nDims = try reader.read(UInt32.self, what: "the dimensions of \"\(name)\"")
      guard nDims >= 1, nDims <= UInt32(maximumDimensions) else {
        throw reader.fail(.invalidShape("\(nDims) dimensions (1 to \(maximumDimensions) allowed)"), tensor: name)
      }
      var dims: [UInt64] = []
      for _ in 0..<nDims { dims.append(try reader.read(UInt64.self, what: "the dimensions of \"\(name)\"")) }
      let typeID = try reader.read(UInt32.self, what: "the type of \"\(name)\"")
      guard let dtype = DType(ggmlType: typeID) else { throw reader.fail(.unknownGGMLType(typeID), tensor: name) }
      let offset = try reader.read(UInt64.self, what: "the offset of \"\(name)\"")
      raw.append(RawInfo(name: name, dims: dims, dtype: dtype, offset: offset))
    }

    let headerEnd = reader.offset
    let padded = (headerEnd + alignment - 1) / alignment * alignment
    let dataStart = min(padded, bytes.count)
    let fileSize = bytes.count
    var tensors: [TensorInfo] = []
    tensors.reserveCapacity(raw.count)
    for info in raw {
      func fail(_ reason: CheckpointError.Reason) -> CheckpointError { reader.fail(reason, tensor: info.name) }
      var count: UInt64 = 1
      for d in info.dims {
        let (p, o) = count.multipliedReportingOverflow(by: d)
        guard !o else { throw fail(.sizeOverflow) }
        count = p
      }
      // Every partial product of the dimensions, in any order, must fit an Int.
      guard TensorInfo.dimensionsFit(info.dims) else { throw fail(.sizeOverflow) }
      let block = info.dtype.block
      let rowLength = info.dims[0]
      guard rowLength % UInt64(block.elements) == 0 else {
        throw fail(.rowNotBlockMultiple(rowLength: Int(clamping: rowLength), blockSize: block.elements))
      }
      let (size, sizeOverflow) = (count / UInt64(block.elements)).multipliedReportingOverflow(by: UInt64(block.bytes))
      guard !sizeOverflow, count <= UInt64(Int.max) else { throw fail(.sizeOverflow) }
      guard info.offset % UInt64(alignment) == 0 else {
        throw fail(.misalignedOffset(offset: info.offset, alignment: UInt64(alignment)))
      }
      let (begin, o1) = UInt64(dataStart).addingReportingOverflow(info.offset)
      let (end, o2) = begin.addingReportingOverflow(size)
      guard !o1, !o2, end <= UInt64(fileSize) else {
        throw fail(.outOfBounds(end: (o1 || o2) ? UInt64.max : end, fileSize: fileSize))
      }
      tensors.append(
        TensorInfo(
          name: info.name, dtype: info.dtype, shape: info.dims.reversed().map { Int($0) },
          fileIndex: fileIndex, byteRange: Int(begin)..<Int(end)))
    }
    // No two tensors may share bytes.
    let order = tensors.indices.sorted { tensors[$0].byteRange.lowerBound < tensors[$1].byteRange.lowerBound }
    var previousEnd = dataStart
    for i in order where !tensors[i].byteRange.isEmpty {
      let range = tensors[i].byteRange
      guard range.lowerBound >= previousEnd else {
        throw reader.fail(
          .offsetOverlap(previousEnd: UInt64(previousEnd - dataStart), begin: UInt64(range.lowerBound - dataStart)),
          tensor: tensors[i].name)
      }
      previousEnd = range.upperBound
    }
    return GGUFHeader(
      version: version, metadataKeys: keys, metadata: metadata, tensors: tensors,
      alignment: alignment, dataStart: dataStart)
  }

  /// Value types: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool, 8 string, 9 array,
  /// 10 u64, 11 i64, 12 f64.
  static func minimumSize(ofType type: UInt32) -> Int? {
    switch type {
    case 0, 1, 7: 1
    case 2, 3: 2
    case 4, 5, 6: 4
    case 8, 10, 11, 12: 8
    case 9: 12
    default: nil
    }
  }

  private static func readValue(
    type: UInt32, reader: inout ByteReader, key: String, depth: Int
  ) throws(CheckpointError) -> MetadataValue {
    let what = "the value of \"\(key)\""
    switch type {
    case 0: return .uint(UInt64(try reader.read(UInt8.self, what: what)))
    case 1: return .int(Int64(try reader.read(Int8.self, what: what)))
    case 2: return .uint(UInt64(try reader.read(UInt16.self, what: what)))
    case 3: return .int(Int64(try reader.read(Int16.self, what: what)))
    case 4: return .uint(UInt64(try reader.read(UInt32.self, what: what)))
    case 5: return .int(Int64(try reader.read(Int32.self, what: what)))
    case 6: return .float(Double(Float(bitPattern: try reader.read(UInt32.self, what: what))))
    case 7:
      let b = try reader.read(UInt8.self, what: what)
      guard b <= 1 else { throw reader.fail(.invalidField(field: key, detail: "bool value \(b) is neither 0 nor 1")) }
      return .bool(b == 1)
    case 8: return .string(try reader.readString(what: what))
    case 9:
      guard depth < maximumArrayDepth else { throw reader.fail(.nestingTooDeep) }
      let elementType = try reader.read(UInt32.self, what: what)
      guard let size = minimumSize(ofType: elementType) else { throw reader.fail(.unknownValueType(elementType)) }
      let count = try reader.read(UInt64.self, what: what)
      guard count <= UInt64(reader.remaining / size) else {
        throw reader.fail(.countTooLarge(what: "array \"\(key)\"", count: count))
      }
      var elements: [MetadataValue] = []
      elements.reserveCapacity(Int(count))
      for _ in 0..<Int(count) {
        elements.append(try readValue(type: elementType, reader: &reader, key: key, depth: depth + 1))
      }
      return .array(elements)
    case 10: return .uint(try reader.read(UInt64.self, what: what))
    case 11: return .int(try reader.read(Int64.self, what: what))
    case 12: return .float(Double(bitPattern: try reader.read(UInt64.self, what: what)))
    default: throw reader.fail(.unknownValueType(type))
    }
  }
}
