/// The element type of a stored tensor: every safetensors dtype name and every GGML type.
///
/// Raw values are the names the formats use (`"BF16"`, `"Q4_K"`), so JSON output matches what
/// users see in other tools. Parsing a file accepts every name; decoding to `Float` supports
/// the subset in ``isDecodable``, and anything else is an error that names the type.
public enum DType: String, Sendable, Hashable, Codable, CaseIterable {
  // Plain types (safetensors names; GGUF's F32, F16, BF16, F64 and integers map onto these).
  case bool = "BOOL"
  case u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", u32 = "U32", i32 = "I32"
  case u64 = "U64", i64 = "I64"
  case f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64", c64 = "C64"
  case f8E5M2 = "F8_E5M2", f8E4M3 = "F8_E4M3", f8E8M0 = "F8_E8M0"
  case f8E4M3FNUZ = "F8_E4M3FNUZ", f8E5M2FNUZ = "F8_E5M2FNUZ"
  case f4 = "F4", f6E2M3 = "F6_E2M3", f6E3M2 = "F6_E3M2"
  // GGML block-quantised types.
  case q4_0 = "Q4_0", q4_1 = "Q4_1", q5_0 = "Q5_0", q5_1 = "Q5_1", q8_0 = "Q8_0", q8_1 = "Q8_1"
  case q2K = "Q2_K", q3K = "Q3_K", q4K = "Q4_K", q5K = "Q5_K", q6K = "Q6_K", q8K = "Q8_K"
  case iq2XXS = "IQ2_XXS", iq2XS = "IQ2_XS", iq3XXS = "IQ3_XXS", iq1S = "IQ1_S", iq4NL = "IQ4_NL"
  case iq3S = "IQ3_S", iq2S = "IQ2_S", iq4XS = "IQ4_XS", iq1M = "IQ1_M"
  case tq1_0 = "TQ1_0", tq2_0 = "TQ2_0", mxfp4 = "MXFP4"

  /// Storage granularity: a block of `elements` values occupies `bytes` bytes. Plain types
  /// are blocks of one element; F4 packs two elements per byte and F6 four per three bytes.
  public var block: (elements: Int, bytes: Int) {
    switch self {
    case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: (1, 1)
    case .u16, .i16, .f16, .bf16: (1, 2)
    case .u32, .i32, .f32: (1, 4)
    case .u64, .i64, .f64, .c64: (1, 8)
    case .f4: (2, 1)
    case .f6E2M3, .f6E3M2: (4, 3)
    case .q4_0: (32, 18)
    case .q4_1: (32, 20)
    case .q5_0: (32, 22)
    case .q5_1: (32, 24)
    case .q8_0: (32, 34)
    case .q8_1: (32, 40)
    case .q2K: (256, 84)
    case .q3K: (256, 110)
    case .q4K: (256, 144)
    case .q5K: (256, 176)
    case .q6K: (256, 210)
    case .q8K: (256, 292)
    case .iq2XXS: (256, 66)
    case .iq2XS: (256, 74)
    case .iq3XXS: (256, 98)
    case .iq1S: (256, 50)
    case .iq4NL: (32, 18)
    case .iq3S: (256, 110)
    case .iq2S: (256, 82)
    case .iq4XS: (256, 136)
    case .iq1M: (256, 56)
    case .tq1_0: (256, 54)
    case .tq2_0: (256, 66)
    case .mxfp4: (32, 17)
    }
  }

  /// Bits per element for plain (non-block) types, as the safetensors reference counts them.
  public var bitsPerElement: Int? {
    switch self {
    case .f4: 4
    case .f6E2M3, .f6E3M2: 6
    default: block.elements == 1 ? block.bytes * 8 : nil
    }
  }

  /// Whether the type stores values in blocks that share a scale (GGML quantisation).
  public var isBlockQuantized: Bool { block.elements > 2 && bitsPerElement == nil }

  /// Whether ``Checkpoint/decode(_:)`` can turn this type into `Float`.
  public var isDecodable: Bool {
    switch self {
    case .bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64, .f16, .bf16, .f32, .f64,
      .f8E5M2, .f8E4M3, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2K, .q3K, .q4K, .q5K, .q6K, .q8K:
      true
    default:
      false
    }
  }

  /// Whether values are floating point (as opposed to integers or booleans).
  public var isFloatingPoint: Bool {
    switch self {
    case .bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64: false
    default: true
    }
  }

  /// The GGML type for a GGUF tensor-info type id, or `nil` for an unknown id.
  public init?(ggmlType id: UInt32) {
    switch id {
    case 0: self = .f32
    case 1: self = .f16
    case 2: self = .q4_0
    case 3: self = .q4_1
    case 6: self = .q5_0
    case 7: self = .q5_1
    case 8: self = .q8_0
    case 9: self = .q8_1
    case 10: self = .q2K
    case 11: self = .q3K
    case 12: self = .q4K
    case 13: self = .q5K
    case 14: self = .q6K
    case 15: self = .q8K
    case 16: self = .iq2XXS
    case 17: self = .iq2XS
    case 18: self = .iq3XXS
    case 19: self = .iq1S
    case 20: self = .iq4NL
    case 21: self = .iq3S
    case 22: self = .iq2S
    case 23: self = .iq4XS
    case 24: self = .i8
    case 25: self = .i16
    case 26: self = .i32
    case 27: self = .i64
    case 28: self = .f64
    case 29: self = .iq1M
    case 30: self = .bf16
    case 34: self = .tq1_0
    case 35: self = .tq2_0
    case 39: self = .mxfp4
    default: return nil
    }
  }

  /// The GGUF type id, for the types GGUF can store.
  public var ggmlTypeID: UInt32? {
    (0...39).lazy.map(UInt32.init).first { DType(ggmlType: $0) == self }
  }
}
