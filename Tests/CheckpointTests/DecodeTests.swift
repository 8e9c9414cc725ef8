import Checkpoint
import CPUFeatures
import Testing
import WideningAVX2
import WideningAVX512
import _TestSupport

/// Every decodable dtype, written by the tests and read back through a real memory map.
@Suite("decoding")
struct DecodeTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var dtype: DType
    var bytes: [UInt8]
    var expected: [Float]
    var testDescription: String { dtype.rawValue }
  }

  static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  }

  static let cases: [Case] = [
    Case(dtype: .f32, bytes: le([Float(1.5).bitPattern, Float(-0.25).bitPattern]), expected: [1.5, -0.25]),
    Case(dtype: .f64, bytes: le([Double(3.25).bitPattern, Double(-1e-3).bitPattern]), expected: [3.25, Float(-1e-3)]),
    Case(dtype: .f16, bytes: le([UInt16(0x3C00), 0xC000, 0x7BFF, 0x0001]), expected: [1, -2, 65504, Float(Float16(bitPattern: 1))]),
    Case(dtype: .bf16, bytes: le([UInt16(0x3F80), 0xC040, 0x4049]), expected: [1, -3, 3.140625]),
    // E4M3: 0x38 = 1.0, 0xC0 = -2.0, 0x7E = 448 (largest), 0x01 = 2^-9 (smallest subnormal)
    Case(dtype: .f8E4M3, bytes: [0x38, 0xC0, 0x7E, 0x01], expected: [1, -2, 448, 0.001953125]),
    // E5M2: 0x3C = 1.0, 0xC0 = -2.0, 0x7B = 57344 (largest), 0x01 = 2^-16
    Case(dtype: .f8E5M2, bytes: [0x3C, 0xC0, 0x7B, 0x01], expected: [1, -2, 57344, 1.52587890625e-05]),
    Case(dtype: .bool, bytes: [0, 1], expected: [0, 1]),
    Case(dtype: .u8, bytes: [0, 255], expected: [0, 255]),
    Case(dtype: .i8, bytes: [0x80, 0x7F], expected: [-128, 127]),
    Case(dtype: .u16, bytes: le([UInt16(65535), 1]), expected: [65535, 1]),
    Case(dtype: .i16, bytes: le([Int16(-32768), 5]), expected: [-32768, 5]),
    Case(dtype: .u32, bytes: le([UInt32(4_000_000_000), 2]), expected: [4e9, 2]),
    Case(dtype: .i32, bytes: le([Int32(-7), 1 << 20]), expected: [-7, 1_048_576]),
    Case(dtype: .u64, bytes: le([UInt64(1 << 40), 3]), expected: [1_099_511_627_776, 3]),
    Case(dtype: .i64, bytes: le([Int64(-5), 511]), expected: [-5, 511]),
  ]

  @Test(arguments: cases)
  func decodesThroughAMemoryMap(_ c: Case) throws {
    let dir = TemporaryDirectory()
    let path = dir.file("t.safetensors")
    // An odd-sized first tensor makes the second start unaligned, as other writers may.
    let writer = SafetensorsWriter(entries: [
      .init(name: "pad", dtype: .u8, shape: [3], bytes: [1, 2, 3]),
      .init(name: "t", dtype: c.dtype, shape: [c.expected.count], bytes: c.bytes),
    ])
    try writer.write(to: path)
    let checkpoint = try Checkpoint.openSafetensors(at: path)
    let values = try checkpoint.decode(named: "t")
    #expect(values == c.expected)
  }

  /// All 65,536 binary16 and bfloat16 patterns, aligned (the vectorised loop) and unaligned
  /// (the byte-wise one), against Swift's own `Float16` conversion and the bfloat16 definition
  /// (the pattern in a binary32's top half). NaNs must stay NaNs with their sign.
  @Test(arguments: [DType.f16, .bf16], [2, 3])
  func everySixteenBitPattern(_ dtype: DType, _ padding: Int) throws {
    let dir = TemporaryDirectory()
    let path = dir.file("t.safetensors")
    let patterns = (0...UInt16.max).map { $0 }
    try SafetensorsWriter(entries: [
      .init(name: "pad", dtype: .u8, shape: [padding], bytes: [UInt8](repeating: 0, count: padding)),
      .init(name: "t", dtype: dtype, shape: [patterns.count], bytes: Self.le(patterns)),
    ]).write(to: path)
    let values = try Checkpoint.openSafetensors(at: path).decode(named: "t")
    let expected = patterns.map { dtype == .f16 ? Float(Float16(bitPattern: $0)) : Float(bitPattern: UInt32($0) << 16) }
    #expect(values.count == expected.count)
    let wrong = zip(values, expected).filter { v, e in
      e.isNaN ? !(v.isNaN && v.sign == e.sign) : v.bitPattern != e.bitPattern
    }
    #expect(wrong.isEmpty, "\(wrong.prefix(4))")
  }

  /// The widening compiled for each instruction level this CPU runs (scalar in Checkpoint,
  /// AVX2 and AVX-512 as links to the same file) gives the same bits for all 65,536 patterns.
  @Test(arguments: [true, false])
  func wideningIsTheSameAtEveryLevel(_ half: Bool) {
    let patterns = (0...UInt16.max).map { $0 }
    func widen(_ f: (Bool, Int, UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void) -> [UInt32] {
      var out = [Float](repeating: 0, count: patterns.count)
      patterns.withUnsafeBytes { src in out.withUnsafeMutableBufferPointer { f(half, patterns.count, src.baseAddress!, $0.baseAddress!) } }
      return out.map(\.bitPattern)
    }
    let reference = widen { PortableWidening.widen(half: $0, count: $1, from: $2, into: $3) }
    if CPU.supportedLevel >= .avx2 {
      #expect(widen { WideningAVX2.Widening.widen(half: $0, count: $1, from: $2, into: $3) } == reference)
    }
    if CPU.supportedLevel >= .avx512 {
      #expect(widen { WideningAVX512.Widening.widen(half: $0, count: $1, from: $2, into: $3) } == reference)
    }
  }

  @Test func f8SpecialValues() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("t.safetensors")
    try SafetensorsWriter(entries: [
      .init(name: "e4m3", dtype: .f8E4M3, shape: [2], bytes: [0x7F, 0xFF]),
      .init(name: "e5m2", dtype: .f8E5M2, shape: [3], bytes: [0x7C, 0xFC, 0x7D]),
    ]).write(to: path)
    let c = try Checkpoint.openSafetensors(at: path)
    #expect(try c.decode(named: "e4m3").allSatisfy(\.isNaN))
    #expect(try c.decode(named: "e5m2")[0] == .infinity)
    #expect(try c.decode(named: "e5m2")[1] == -.infinity)
    #expect(try c.decode(named: "e5m2")[2].isNaN)
  }

  @Test func rowBlocks() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("t.safetensors")
    let values = (0..<12).map(Float.init)
    try SafetensorsWriter(entries: [.init(name: "m", shape: [4, 3], floats: values)]).write(to: path)
    let c = try Checkpoint.openSafetensors(at: path)
    let t = try #require(c.tensor(named: "m"))
    var buffer = [Float](repeating: -1, count: 6)
    try buffer.withUnsafeMutableBufferPointer { try c.decodeRows(t, rows: 1..<3, into: $0) }
    #expect(buffer == [3, 4, 5, 6, 7, 8])
    #expect(throws: CheckpointError.self) {
      try buffer.withUnsafeMutableBufferPointer { try c.decodeRows(t, rows: 3..<5, into: $0) }
    }
    #expect(throws: CheckpointError.self) {
      var small = [Float](repeating: 0, count: 2)
      try small.withUnsafeMutableBufferPointer { try c.decodeRows(t, rows: 0..<2, into: $0) }
    }
  }

  /// F32 rows read in place from the map are the decoded rows; other types and rows out of
  /// range give nil (callers decode instead).
  @Test func floatsInPlaceAreTheDecodedRows() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("t.safetensors")
    let values = (0..<12).map { Float($0) * 0.5 - 1 }
    try SafetensorsWriter(entries: [
      .init(name: "m", shape: [4, 3], floats: values),
      .init(name: "h", dtype: .bf16, shape: [2, 2], bytes: [0, 0x3F, 0, 0x40, 0, 0xBF, 0, 0]),
    ]).write(to: path)
    let c = try Checkpoint.openSafetensors(at: path)
    let m = try #require(c.tensor(named: "m")), h = try #require(c.tensor(named: "h"))
    var decoded = [Float](repeating: 0, count: 6)
    try decoded.withUnsafeMutableBufferPointer { try c.decodeRows(m, rows: 1..<3, into: $0) }
    let direct = try #require(c.floatsInPlace(m, rows: 1..<3))
    #expect(Array(direct) == decoded)
    #expect(c.floatsInPlace(m, rows: 3..<5) == nil)
    #expect(c.floatsInPlace(h, rows: 0..<1) == nil)
  }

  @Test(arguments: [DType.f4, .f6E2M3, .f8E8M0, .c64])
  func undecodableTypesNameThemselves(_ dtype: DType) throws {
    let dir = TemporaryDirectory()
    let path = dir.file("t.safetensors")
    let count = 4
    let bytes = [UInt8](repeating: 0, count: count * (dtype.bitsPerElement ?? 8) / 8)
    try SafetensorsWriter(entries: [.init(name: "x", dtype: dtype, shape: [count], bytes: bytes)]).write(to: path)
    let c = try Checkpoint.openSafetensors(at: path)
    do throws(CheckpointError) {
      _ = try c.decode(named: "x")
      Issue.record("expected an error")
    } catch {
      #expect(error.reason == .cannotDecode(dtype: dtype.rawValue))
      #expect(error.tensor == "x")
    }
  }
}
