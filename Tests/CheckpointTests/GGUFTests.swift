import Checkpoint
import Foundation
import Testing
import _TestSupport

@Suite("GGUF")
struct GGUFTests {
  static let fixtures = Bundle.module.resourcePath.map { $0 + "/Fixtures" } ?? ""

  /// Dequantisation of every supported block type against values computed by the `gguf`
  /// Python package (llama.cpp's reference) from the same bytes.
  @Test(arguments: ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "F32", "F16", "BF16"])
  func dequantizationMatchesReference(_ type: String) throws {
    let quants = try Checkpoint.openGGUF(at: Self.fixtures + "/quants.gguf")
    let expected = try Checkpoint.openSafetensors(at: Self.fixtures + "/quants-expected.safetensors")
    let tensor = try #require(quants.tensor(named: "q." + type))
    #expect(tensor.dtype.rawValue == type)
    #expect(tensor.shape == [2, 512])
    let ours = try quants.decode(tensor)
    let theirs = try expected.decode(named: type)
    #expect(ours.count == theirs.count)
    var worst: Float = 0
    for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a - b) / max(1e-6, abs(b))) }
    #expect(worst <= 1e-6, "max relative difference \(worst)")
  }

  @Test func everyMetadataValueType() throws {
    let c = try Checkpoint.openGGUF(at: Self.fixtures + "/quants.gguf")
    let m = c.metadata
    #expect(m["test.u8"] == .uint(200))
    #expect(m["test.i8"] == .int(-100))
    #expect(m["test.u16"] == .uint(60000))
    #expect(m["test.i16"] == .int(-30000))
    #expect(m["test.u32"] == .uint(4_000_000_000))
    #expect(m["test.i32"] == .int(-2_000_000_000))
    #expect(m["test.f32"] == .float(1.5))
    #expect(m["test.bool"] == .bool(true))
    #expect(m["test.string"] == .string("héllo, 世界"))
    #expect(m["test.u64"] == .uint(UInt64(1) << 63 + 5))
    #expect(m["test.i64"] == .int(-(Int64(1) << 62)))
    #expect(m["test.f64"] == .float(-2.25))
    #expect(m["test.array.strings"] == .array([.string("a"), .string("bc"), .string("")]))
    #expect(m["test.array.nested"] == .array([.array([.int(1), .int(2)]), .array([.int(3)])]))
  }

  static func parse(_ bytes: [UInt8]) -> Result<GGUFHeader, CheckpointError> {
    bytes.withUnsafeBytes { b in Result { () throws(CheckpointError) in try GGUFHeader.parse(b, path: "t.gguf") } }
  }

  static func valid() -> GGUFBuilder {
    var b = GGUFBuilder()
    b.metadata = [("general.architecture", .string("llama")), ("general.alignment", .u32(32))]
    b.addF32("blk.0.attn_q.weight", shape: [2, 4], values: (0..<8).map(Float.init))
    b.addF32("output_norm.weight", shape: [4], values: [1, 2, 3, 4])
    return b
  }

  @Test func version2() throws {
    var b = Self.valid()
    b.version = 2
    let header = try Self.parse(b.bytes()).get()
    #expect(header.version == 2)
    #expect(header.tensors.count == 2)
  }

  @Test func undecodableTypeNamesItself() throws {
    var b = GGUFBuilder()
    b.tensors = [GGUFBuilder.Tensor(name: "iq", dims: [256, 1], type: 16, data: [UInt8](repeating: 0, count: 66))]
    let dir = TemporaryDirectory()
    let path = dir.write("iq.gguf", bytes: b.bytes())
    let c = try Checkpoint.openGGUF(at: path)
    #expect(c.tensors.first?.dtype == .iq2XXS)
    #expect(throws: CheckpointError(file: path, tensor: "iq", reason: .cannotDecode(dtype: "IQ2_XXS"))) {
      try c.decode(named: "iq")
    }
  }

  @Test func validFileRoundTrips() throws {
    let header = try Self.parse(Self.valid().bytes()).get()
    #expect(header.version == 3)
    #expect(header.tensors.map(\.name) == ["blk.0.attn_q.weight", "output_norm.weight"])
    #expect(header.tensors[0].shape == [2, 4])
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var label: String
    var build: @Sendable () -> [UInt8]
    var expected: CheckpointError.Reason
    var testDescription: String { label }
  }

  static func mutate(_ f: @escaping @Sendable (inout GGUFBuilder) -> Void) -> @Sendable () -> [UInt8] {
    {
      var b = valid()
      f(&b)
      return b.bytes()
    }
  }

  static let cases: [Case] = [
    Case(label: "bad magic", build: { Array("GGUX".utf8) + [UInt8](repeating: 0, count: 40) }, expected: .badMagic),
    Case(label: "version 1", build: mutate { $0.version = 1 }, expected: .unsupportedVersion(1)),
    Case(label: "version 4", build: mutate { $0.version = 4 }, expected: .unsupportedVersion(4)),
    Case(
      label: "huge metadata count",
      build: {
        var bytes = valid().bytes()
        withUnsafeBytes(of: UInt64.max.littleEndian) { bytes.replaceSubrange(16..<24, with: $0) }
        return bytes
      }, expected: .countTooLarge(what: "metadata", count: .max)),
    Case(
      label: "huge tensor count",
      build: {
        var bytes = valid().bytes()
        withUnsafeBytes(of: (UInt64(1) << 60).littleEndian) { bytes.replaceSubrange(8..<16, with: $0) }
        return bytes
      }, expected: .countTooLarge(what: "tensor", count: 1 << 60)),
    Case(label: "huge array", build: mutate { $0.metadata.append(("x", .arrayHeader(type: 10, count: 1 << 61))) }, expected: .countTooLarge(what: "array \"x\"", count: 1 << 61)),
    Case(label: "huge string array", build: mutate { $0.metadata.append(("x", .arrayHeader(type: 8, count: .max))) }, expected: .countTooLarge(what: "array \"x\"", count: .max)),
    Case(
      label: "huge string",
      build: {
        var b = GGUFBuilder()
        b.metadata = [("k", .string("abc"))]
        var bytes = b.bytes()
        // The value's length field follows the 8-byte key length, the key and the type.
        withUnsafeBytes(of: UInt64.max.littleEndian) { bytes.replaceSubrange(37..<45, with: $0) }
        return bytes
      }, expected: .countTooLarge(what: "the value of \"k\" byte", count: .max)),
    Case(label: "unknown value type", build: mutate { $0.metadata.append(("x", .array(type: 13, []))) }, expected: .unknownValueType(13)),
    Case(
      label: "arrays nested too deep",
      build: mutate { b in
        var v = GGUFBuilder.Value.array(type: 0, [])
        for _ in 0..<9 { v = .array(type: 9, [v]) }
        b.metadata.append(("deep", v))
      }, expected: .nestingTooDeep),
    Case(
      label: "duplicate metadata key", build: mutate { $0.metadata.append(("general.architecture", .string("gpt2"))) },
      expected: .invalidField(field: "general.architecture", detail: "metadata key appears twice")),
    Case(label: "alignment not a power of two", build: mutate { $0.metadata[1] = ("general.alignment", .u32(24)) }, expected: .invalidAlignment(24)),
    Case(label: "alignment zero", build: mutate { $0.metadata[1] = ("general.alignment", .u32(0)) }, expected: .invalidAlignment(0)),
    Case(label: "unknown ggml type", build: mutate { $0.tensors[0].type = 4 }, expected: .unknownGGMLType(4)),
    Case(label: "zero dimensions", build: mutate { $0.tensors[0].dims = [] }, expected: .invalidShape("0 dimensions (1 to 4 allowed)")),
    Case(label: "five dimensions", build: mutate { $0.tensors[0].dims = [1, 1, 1, 1, 8] }, expected: .invalidShape("5 dimensions (1 to 4 allowed)")),
    Case(
      label: "row not a multiple of the block",
      build: mutate {
        $0.tensors[0].type = 2
        $0.tensors[0].dims = [16, 1]
      }, expected: .rowNotBlockMultiple(rowLength: 16, blockSize: 32)),
    Case(label: "misaligned offset", build: mutate { $0.tensors[1].offset = 36 }, expected: .misalignedOffset(offset: 36, alignment: 32)),
    Case(label: "data past the end", build: mutate { $0.tensors[1].offset = 1 << 30 }, expected: .outOfBounds(end: 0, fileSize: 0)),
    Case(label: "offset overflows", build: mutate { $0.tensors[1].offset = UInt64.max / 32 * 32 }, expected: .outOfBounds(end: 0, fileSize: 0)),
    Case(label: "dimensions overflow", build: mutate { $0.tensors[0].dims = [UInt64(1) << 40, UInt64(1) << 40] }, expected: .sizeOverflow),
    Case(label: "zero-size tensor with a dimension beyond Int", build: mutate { $0.tensors[0].dims = [UInt64(1) << 63, 0] }, expected: .sizeOverflow),
    Case(label: "zero-size tensor whose other dimensions overflow", build: mutate { $0.tensors[0].dims = [0, UInt64(1) << 62, 4] }, expected: .sizeOverflow),
    Case(label: "overlapping tensors", build: mutate { $0.tensors[1].offset = 0 }, expected: .offsetOverlap(previousEnd: 32, begin: 0)),
    Case(label: "duplicate tensor", build: mutate { $0.tensors[1].name = $0.tensors[0].name }, expected: .duplicateTensor),
  ]

  @Test(arguments: cases)
  func rejects(_ c: Case) {
    switch Self.parse(c.build()) {
    case .success: Issue.record("accepted")
    case .failure(let error):
      // Payloads that depend on exact byte positions are compared by case only.
      switch (error.reason, c.expected) {
      case (.truncated, .truncated), (.outOfBounds, .outOfBounds), (.offsetOverlap, .offsetOverlap): break
      default: #expect(error.reason == c.expected)
      }
    }
  }

  @Test func boolMustBeZeroOrOne() {
    // A u8 metadata value of 2 whose type field is then rewritten to bool (7).
    var b = GGUFBuilder()
    b.metadata = [("flag", .u8(2))]
    var bytes = b.bytes()
    // key "flag" = 8-byte length + 4 bytes; then the type field.
    let typeOffset = 24 + 8 + 4
    bytes[typeOffset] = 7
    switch Self.parse(bytes) {
    case .success: Issue.record("accepted")
    case .failure(let e): #expect(e.reason == .invalidField(field: "flag", detail: "bool value 2 is neither 0 nor 1"))
    }
  }

  /// Every prefix of a valid file is rejected cleanly; only the whole file is accepted.
  @Test func everyTruncationIsRejected() {
    let full = Self.valid().bytes()
    for length in 0...full.count {
      let ok = (try? Self.parse(Array(full[0..<length])).get()) != nil
      #expect(ok == (length == full.count), "length \(length)")
    }
  }

  @Test func truncationsOfTheIndependentFixture() throws {
    let full = try Array(Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/quants.gguf")))
    var accepted = 0
    for length in stride(from: 0, to: full.count, by: 7) {
      if (try? Self.parse(Array(full[0..<length])).get()) != nil { accepted += 1 }
    }
    #expect(accepted == 0)
  }
}

/// Inputs the fuzzer (scripts/fuzz) once crashed on: each must now be rejected or accepted
/// cleanly.
@Suite("fuzzer regressions")
struct FuzzRegressionTests {
  @Test(arguments: ["fuzz-crash-gguf-1.bin"])
  func parsesWithoutTrapping(_ name: String) throws {
    let path = try #require(Bundle.module.resourcePath) + "/Fixtures/" + name
    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
    _ = bytes.withUnsafeBytes { b in try? GGUFHeader.parse(b, path: name) }
    _ = bytes.withUnsafeBytes { b in try? SafetensorsHeader.parse(b, path: name) }
  }
}
