import Checkpoint
import Testing
import _TestSupport

/// The reference reader's verdicts (safetensors 0.8.0, probed) as test cases, plus the rules
/// the issue adds (duplicate names rejected).
@Suite("safetensors validation")
struct SafetensorsValidationTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var label: String
    var bytes: [UInt8]
    /// `nil` means the file must be accepted.
    var expected: CheckpointError.Reason?
    var testDescription: String { label }
  }

  static func h(_ header: String, _ data: Int = 0, declared: UInt64? = nil) -> [UInt8] {
    RawSafetensors.bytes(header: header, data: [UInt8](repeating: 7, count: data), declaredLength: declared)
  }

  static let i32 = #""dtype":"I32","shape":[2,2]"#

  static let cases: [Case] = [
    Case(label: "valid I32 [2,2] with metadata", bytes: h(#"{"__metadata__":{"format":"pt"},"a":{\#(i32),"data_offsets":[0,16]}}"#, 16), expected: nil),
    Case(label: "metadata value is an int", bytes: h(#"{"__metadata__":{"format":1}}"#), expected: .invalidMetadata(#"value of "format" is not a string"#)),
    Case(label: "metadata is an array", bytes: h(#"{"__metadata__":[]}"#), expected: .invalidMetadata("is not an object")),
    Case(label: "two extra bytes after the data", bytes: h(#"{"a":{\#(i32),"data_offsets":[0,16]}}"#, 18), expected: .dataSizeMismatch(expected: 16, actual: 18)),
    Case(label: "data two bytes short", bytes: h(#"{"a":{\#(i32),"data_offsets":[0,16]}}"#, 14), expected: .dataSizeMismatch(expected: 16, actual: 14)),
    Case(
      label: "gap between tensors", bytes: h(#"{"a":{\#(i32),"data_offsets":[0,16]},"b":{\#(i32),"data_offsets":[20,36]}}"#, 36), expected: .offsetGap(previousEnd: 16, begin: 20)),
    Case(
      label: "overlapping tensors", bytes: h(#"{"a":{\#(i32),"data_offsets":[0,16]},"b":{\#(i32),"data_offsets":[8,24]}}"#, 24), expected: .offsetOverlap(previousEnd: 16, begin: 8)
    ),
    Case(
      label: "two names on one range", bytes: h(#"{"a":{\#(i32),"data_offsets":[0,16]},"b":{\#(i32),"data_offsets":[0,16]}}"#, 16),
      expected: .offsetOverlap(previousEnd: 16, begin: 0)),
    Case(label: "out of order but contiguous", bytes: h(#"{"b":{\#(i32),"data_offsets":[16,32]},"a":{\#(i32),"data_offsets":[0,16]}}"#, 32), expected: nil),
    Case(label: "first tensor starts at 4", bytes: h(#"{"a":{\#(i32),"data_offsets":[4,20]}}"#, 20), expected: .offsetNotZero(begin: 4)),
    Case(
      label: "end before begin", bytes: h(#"{"a":{"dtype":"I32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"I32","shape":[0],"data_offsets":[8,0]}}"#, 8),
      expected: .offsetEndBeforeBegin(begin: 8, end: 0)),
    Case(label: "span differs from shape × dtype", bytes: h(#"{"a":{\#(i32),"data_offsets":[0,12]}}"#, 12), expected: .byteCountMismatch(expected: 16, actual: 12)),
    Case(label: "zero-size tensor", bytes: h(#"{"a":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]}}"#), expected: nil),
    Case(label: "scalar", bytes: h(#"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#, 4), expected: nil),
    Case(label: "unknown dtype F128", bytes: h(#"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, 16), expected: .unknownDType("F128")),
    Case(label: "lower-case dtype", bytes: h(#"{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#, 4), expected: .unknownDType("f32")),
    Case(label: "GGML type name is not a safetensors dtype", bytes: h(#"{"a":{"dtype":"Q4_0","shape":[32],"data_offsets":[0,18]}}"#, 18), expected: .unknownDType("Q4_0")),
    Case(label: "F4 with 3 elements", bytes: h(#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#, 2), expected: .subByteMisaligned),
    Case(label: "F4 with 4 elements", bytes: h(#"{"a":{"dtype":"F4","shape":[4],"data_offsets":[0,2]}}"#, 2), expected: nil),
    Case(
      label: "negative dimension", bytes: h(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4),
      expected: .invalidField(field: "shape", detail: "holds a value that is not a non-negative integer")),
    Case(
      label: "float offsets", bytes: h(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.0,4]}}"#, 4),
      expected: .invalidField(field: "data_offsets", detail: "is not two non-negative integers")),
    Case(
      label: "three offsets", bytes: h(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, 4),
      expected: .invalidField(field: "data_offsets", detail: "is not two non-negative integers")),
    Case(label: "missing shape", bytes: h(#"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, 4), expected: .missingField("shape")),
    Case(label: "missing dtype", bytes: h(#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, 4), expected: .missingField("dtype")),
    Case(label: "missing data_offsets", bytes: h(#"{"a":{"dtype":"F32","shape":[1]}}"#, 4), expected: .missingField("data_offsets")),
    Case(label: "entry is not an object", bytes: h(#"{"a":[1,2]}"#), expected: .invalidField(field: "entry", detail: "is not an object")),
    Case(label: "extra field in an entry", bytes: h(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":true}}"#, 4), expected: nil),
    Case(
      label: "duplicate name, identical entries", bytes: h(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4),
      expected: .duplicateTensor),
    Case(label: "trailing spaces after the header", bytes: h(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    "#, 4), expected: nil),
    Case(label: "leading spaces before the header", bytes: h(#"  {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4), expected: nil),
    Case(label: "trailing NULs after the header", bytes: RawSafetensors.bytes(headerBytes: Array("{}".utf8) + [0, 0]), expected: .invalidJSON("trailing characters at byte 2")),
    Case(label: "header is an array", bytes: h("[]"), expected: .headerNotObject),
    Case(label: "empty object, no data", bytes: h("{}"), expected: nil),
    Case(label: "header length 0", bytes: h(""), expected: .invalidJSON("unexpected end of input at byte 0")),
    Case(label: "header length past the end", bytes: h("{}", declared: 100), expected: .headerPastEnd(length: 100, fileSize: 10)),
    Case(label: "header length over 100 MB", bytes: h("{}", declared: 100_000_001), expected: .headerTooLarge(length: 100_000_001)),
    Case(label: "header length 2^64-1", bytes: h("{}", declared: .max), expected: .headerTooLarge(length: .max)),
    Case(label: "file of 3 bytes", bytes: [1, 2, 3], expected: .headerTooSmall(fileSize: 3)),
    Case(label: "empty file", bytes: [], expected: .headerTooSmall(fileSize: 0)),
    Case(label: "header is not UTF-8", bytes: RawSafetensors.bytes(headerBytes: [0x7B, 0xFF, 0x7D]), expected: .invalidUTF8),
    Case(
      label: "UTF-8 byte-order mark", bytes: RawSafetensors.bytes(headerBytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)), expected: .invalidJSON("unexpected character 0xef at byte 0")
    ),
    Case(label: "shape overflows 64 bits", bytes: h(#"{"a":{"dtype":"F32","shape":[2,9223372036854775807],"data_offsets":[0,4]}}"#, 4), expected: .sizeOverflow),
    Case(label: "shape × bits overflows", bytes: h(#"{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,4]}}"#, 4), expected: .sizeOverflow),
    Case(
      label: "zero-size tensor whose other dimensions overflow", bytes: h(#"{"a":{"dtype":"F32","shape":[4,4611686018427387904,0],"data_offsets":[0,0]}}"#), expected: .sizeOverflow
    ),
    Case(
      label: "zero-size tensor, dimension beyond Int", bytes: h(#"{"a":{"dtype":"F32","shape":[0,9223372036854775808],"data_offsets":[0,0]}}"#),
      expected: .invalidField(field: "shape", detail: "holds a value that is not a non-negative integer")),
    Case(
      label: "tensor named __metadata__", bytes: h(#"{"__metadata__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4),
      expected: .invalidMetadata(#"value of "shape" is not a string"#)),
    Case(label: "empty tensor name", bytes: h(#"{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4), expected: nil),
    Case(
      label: "offset beyond UInt64", bytes: h(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}"#, 4),
      expected: .invalidField(field: "data_offsets", detail: "is not two non-negative integers")),
  ]

  @Test(arguments: cases)
  func verdict(_ c: Case) {
    let result = c.bytes.withUnsafeBytes { buffer in
      Result { () throws(CheckpointError) in try SafetensorsHeader.parse(buffer, path: "case.safetensors") }
    }
    switch (result, c.expected) {
    case (.success, nil): break
    case (.success, let expected?): Issue.record("accepted, expected \(expected)")
    case (.failure(let error), nil): Issue.record("rejected: \(error)")
    case (.failure(let error), let expected?):
      #expect(error.reason == expected)
      #expect(error.file == "case.safetensors")
    }
  }

  @Test func errorsNameTheTensor() {
    let bytes = Self.h(#"{"good":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"bad":{"dtype":"F32","shape":[2],"data_offsets":[4,8]}}"#, 8)
    let result = bytes.withUnsafeBytes { b in
      Result { () throws(CheckpointError) in try SafetensorsHeader.parse(b, path: "x.safetensors") }
    }
    guard case .failure(let error) = result else {
      Issue.record("expected an error")
      return
    }
    #expect(error.tensor == "bad")
    #expect(error.description.hasPrefix("x.safetensors: tensor \"bad\": "))
  }

  @Test func acceptsEveryDTypeName() {
    for dtype in DType.allCases where dtype.bitsPerElement != nil {
      let count = 8
      let size = count * (dtype.bitsPerElement ?? 8) / 8
      let bytes = Self.h(#"{"t":{"dtype":"\#(dtype.rawValue)","shape":[\#(count)],"data_offsets":[0,\#(size)]}}"#, size)
      let header = bytes.withUnsafeBytes { b in try? SafetensorsHeader.parse(b, path: "t") }
      #expect(header?.tensors.first?.dtype == dtype, "\(dtype)")
    }
  }

  /// Every prefix of a small valid file must be rejected cleanly (never a crash or a hang),
  /// and only the full file accepted.
  @Test func everyTruncationIsRejected() {
    let writer = SafetensorsWriter(
      entries: [
        .init(name: "a", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
        .init(name: "b", dtype: .bf16, shape: [4], bytes: [0, 0x3F, 0, 0x40, 0x80, 0x3F, 0, 0xC0]),
      ], metadata: ["format": "pt"])
    let full = writer.bytes()
    for length in 0...full.count {
      let prefix = Array(full[0..<length])
      let ok = prefix.withUnsafeBytes { b in (try? SafetensorsHeader.parse(b, path: "t")) != nil }
      #expect(ok == (length == full.count), "length \(length)")
    }
  }
}
