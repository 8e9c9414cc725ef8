/// Where one tensor's bytes are and how to read them. Produced by the format readers; knows
/// nothing about what the tensor means (that is the anatomy's job).
public struct TensorInfo: Sendable, Hashable, Codable {
  /// The name as stored in the file.
  public var name: String
  public var dtype: DType
  /// Dimensions, outermost first (row-major, as PyTorch and safetensors write them). GGUF
  /// stores them innermost first; the GGUF reader reverses them so both formats agree.
  public var shape: [Int]
  /// Index into ``Checkpoint/files`` of the file holding the bytes.
  public var fileIndex: Int
  /// Absolute byte range inside that file.
  public var byteRange: Range<Int>

  public init(name: String, dtype: DType, shape: [Int], fileIndex: Int, byteRange: Range<Int>) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.fileIndex = fileIndex
    self.byteRange = byteRange
  }

  /// Whether every dimension, and the product of the non-zero ones, fits an `Int`: then no
  /// partial product of the shape, in any order, can overflow.
  public static func dimensionsFit(_ dims: [UInt64]) -> Bool {
    var product: UInt64 = 1
    for d in dims where d != 0 {
      let (p, o) = product.multipliedReportingOverflow(by: d)
      guard !o, p <= UInt64(Int.max) else { return false }
      product = p
    }
    return true
  }

  /// Number of elements (1 for a scalar).
  public var elementCount: Int { shape.reduce(1, *) }

  /// Length of the innermost dimension: the number of values in one row.
  public var rowLength: Int { shape.last ?? 1 }

  /// Number of rows: the product of all dimensions but the last.
  public var rowCount: Int { shape.isEmpty ? 1 : shape.dropLast().reduce(1, *) }
}
