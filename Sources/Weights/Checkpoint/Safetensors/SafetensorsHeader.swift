/// The parsed and validated header of one safetensors file.
///
/// Validation follows the reference reader (huggingface/safetensors `read_metadata` and
/// `Metadata::validate`): header length bounds checked in 64-bit before any conversion, UTF-8,
/// a JSON object, `__metadata__` a string-to-string map, known dtype names, checked
/// `shape × bits` arithmetic, offsets that tile the data section from 0 with no gap, overlap or
/// alias, and data that covers the rest of the file exactly. Unlike the reference, a duplicate
/// tensor name is an error rather than "last one wins".
public struct SafetensorsHeader: Sendable, Hashable {
  /// Reference limit on the JSON header size: 100,000,000 bytes.
  public static let maximumHeaderLength: UInt64 = 100_000_000

  /// Tensors in the order the header lists them, with absolute byte ranges.
  public var tensors: [TensorInfo]
  /// The `__metadata__` map (empty when absent).
  public var metadata: [String: String]
  /// Byte offset where the data section starts (8 + header length).
  public var dataStart: Int

  /// Parses the header of a safetensors file held in `bytes` (the whole file).
  /// - Parameters:
  ///   - bytes: the complete file contents (usually a memory map).
  ///   - path: used in error messages.
  ///   - fileIndex: stored in every ``TensorInfo`` (for sharded checkpoints).
  /// - Throws: ``CheckpointError`` naming the file, the tensor and the rule broken.
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, path: String, fileIndex: Int = 0
  ) throws(CheckpointError) -> SafetensorsHeader {
    func fail(_ reason: CheckpointError.Reason, tensor: String? = nil) -> CheckpointError {
      CheckpointError(file: path, tensor: tensor, reason: reason)
    }
    let fileSize = bytes.count
    guard fileSize >= 8 else { throw fail(.headerTooSmall(fileSize: fileSize)) }
    let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    guard headerLength <= maximumHeaderLength else { throw fail(.headerTooLarge(length: headerLength)) }
    guard headerLength <= UInt64(fileSize - 8) else {
      throw fail(.headerPastEnd(length: headerLength, fileSize: fileSize))
    }
    let dataStart = 8 + Int(headerLength)
    let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart])
    guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail(.invalidUTF8) }

    let json: JSONValue
    do {
      json = try JSONParser.parse(headerBytes)
    } catch {
      if let key = error.key, error.reason == "duplicate key" { throw fail(.duplicateTensor, tensor: key) }
      throw fail(.invalidJSON(error.description))
    }
    guard case .object(let object) = json else { throw fail(.headerNotObject) }

    var metadata: [String: String] = [:]
    var entries: [(name: String, dtype: DType, shape: [Int], begin: UInt64, end: UInt64)] = []
    entries.reserveCapacity(object.count)
    for name in object.keys {
      guard let value = object[name] else { continue }
      if name == "__metadata__" {
        metadata = try parseMetadata(value, fail: { fail(.invalidMetadata($0)) })
        continue
      }
      guard case .object(let entry) = value else {
        throw fail(.invalidField(field: "entry", detail: "is not an object"), tensor: name)
      }
      guard let dtypeValue = entry["dtype"] else { throw fail(.missingField("dtype"), tensor: name) }
      guard let dtypeName = dtypeValue.stringValue else {
        throw fail(.invalidField(field: "dtype", detail: "is not a string"), tensor: name)
      }
      guard let dtype = DType(rawValue: dtypeName), let bits = dtype.bitsPerElement else {
        throw fail(.unknownDType(dtypeName), tensor: name)
      }
      guard let shapeValue = entry["shape"] else { throw fail(.missingField("shape"), tensor: name) }
      guard let dims = shapeValue.arrayValue else {
        throw fail(.invalidField(field: "shape", detail: "is not an array"), tensor: name)
      }
      var shape: [Int] = []
      var elementCount: UInt64 = 1
      var overflow = false
      for dim in dims {
        guard let d = dim.uint64Value, let di = Int(exactly: d) else {
          throw fail(.invalidField(field: "shape", detail: "holds a value that is not a non-negative integer"), tensor: name)
        }
        shape.append(di)
        let (product, o) = elementCount.multipliedReportingOverflow(by: d)
        elementCount = product
        overflow = overflow || o
      }
      guard let offsetsValue = entry["data_offsets"] else { throw fail(.missingField("data_offsets"), tensor: name) }
      guard let offsets = offsetsValue.arrayValue, offsets.count == 2,
        let begin = offsets[0].uint64Value, let end = offsets[1].uint64Value
      else {
        throw fail(.invalidField(field: "data_offsets", detail: "is not two non-negative integers"), tensor: name)
      }
      let (totalBits, bitOverflow) = elementCount.multipliedReportingOverflow(by: UInt64(bits))
      guard !overflow, !bitOverflow, TensorInfo.dimensionsFit(shape.map { UInt64($0) }) else {
        throw fail(.sizeOverflow, tensor: name)
      }
      guard totalBits % 8 == 0 else { throw fail(.subByteMisaligned, tensor: name) }
      entries.append((name, dtype, shape, begin, end))
    }

    // Offsets must tile [0, dataLength) exactly: sort by begin and walk.
    let order = entries.indices.sorted { (entries[$0].begin, entries[$0].end) < (entries[$1].begin, entries[$1].end) }
    var previousEnd: UInt64 = 0
    for (position, i) in order.enumerated() {
      let e = entries[i]
      if position == 0 && e.begin != 0 { throw fail(.offsetNotZero(begin: e.begin), tensor: e.name) }
      guard e.end >= e.begin else { throw fail(.offsetEndBeforeBegin(begin: e.begin, end: e.end), tensor: e.name) }
      if e.begin > previousEnd { throw fail(.offsetGap(previousEnd: previousEnd, begin: e.begin), tensor: e.name) }
      if e.begin < previousEnd { throw fail(.offsetOverlap(previousEnd: previousEnd, begin: e.begin), tensor: e.name) }
      let count = e.shape.reduce(UInt64(1)) { $0 &* UInt64($1) }
      let expected = count &* UInt64(e.dtype.bitsPerElement ?? 0) / 8
      guard e.end - e.begin == expected else {
        throw fail(.byteCountMismatch(expected: expected, actual: e.end - e.begin), tensor: e.name)
      }
      previousEnd = e.end
    }
    let available = UInt64(fileSize - dataStart)
    guard previousEnd == available else { throw fail(.dataSizeMismatch(expected: previousEnd, actual: available)) }

    let tensors = entries.map { e in
      TensorInfo(
        name: e.name, dtype: e.dtype, shape: e.shape, fileIndex: fileIndex,
        byteRange: (dataStart + Int(e.begin))..<(dataStart + Int(e.end)))
    }
    return SafetensorsHeader(tensors: tensors, metadata: metadata, dataStart: dataStart)
  }

  private static func parseMetadata(
    _ value: JSONValue, fail: (String) -> CheckpointError
  ) throws(CheckpointError) -> [String: String] {
    guard case .object(let object) = value else { throw fail("is not an object") }
    var result: [String: String] = [:]
    for key in object.keys {
      guard let s = object[key]?.stringValue else { throw fail("value of \"\(key)\" is not a string") }
      result[key] = s
    }
    return result
  }
}
