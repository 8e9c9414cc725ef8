/// Decoding tensor bytes to `Float`, whole or a block of rows at a time, straight from the
/// memory map (unaligned-safe: safetensors does not promise aligned offsets).
extension Checkpoint {
  /// Decodes the whole tensor into a new array (row-major, ``TensorInfo/shape`` order).
  /// - Throws: ``CheckpointError`` with `.cannotDecode` for types that cannot be decoded.
  public func decode(_ tensor: TensorInfo) throws(CheckpointError) -> [Float] {
    guard tensor.dtype.isDecodable else {
      throw CheckpointError(
        file: files[tensor.fileIndex].path, tensor: tensor.name, reason: .cannotDecode(dtype: tensor.dtype.rawValue))
    }
    let count = tensor.elementCount
    let src = files[tensor.fileIndex].bytes(tensor.byteRange)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let out = buffer.baseAddress { Self.decodeValues(tensor.dtype, count: count, from: src, into: out) }
      initialized = count
    }
  }

  /// Decodes the tensor called `name`.
  public func decode(named name: String) throws(CheckpointError) -> [Float] {
    guard let tensor = tensor(named: name) else {
      throw CheckpointError(file: location, tensor: name, reason: .notATensor)
    }
    return try decode(tensor)
  }

  /// Rows `rows` of an F32 tensor read in place from the memory map (no copy), or `nil` when the
  /// tensor is another type, the host is big-endian or the data is not 4-byte aligned (callers
  /// then use ``decodeRows(_:rows:into:)``). Valid while the checkpoint is open.
  public func floatsInPlace(_ tensor: TensorInfo, rows: Range<Int>) -> UnsafeBufferPointer<Float>? {
    #if _endian(little)
      guard tensor.dtype == .f32, rows.lowerBound >= 0, rows.upperBound <= tensor.rowCount else { return nil }
      let bytesPerRow = tensor.rowLength * 4
      let start = tensor.byteRange.lowerBound + rows.lowerBound * bytesPerRow
      let src = files[tensor.fileIndex].bytes(start..<(start + rows.count * bytesPerRow))
      guard let base = src.baseAddress, UInt(bitPattern: base) % 4 == 0 else { return nil }
      return UnsafeBufferPointer(start: base.bindMemory(to: Float.self, capacity: src.count / 4), count: src.count / 4)
    #else
      return nil
    #endif
  }

  /// Decodes rows `rows` (each ``TensorInfo/rowLength`` values) into the front of `buffer`.
  /// Streaming a large matrix through a reused buffer keeps memory bounded.
  public func decodeRows(
    _ tensor: TensorInfo, rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>
  ) throws(CheckpointError) {
    func fail(_ reason: CheckpointError.Reason) -> CheckpointError {
      CheckpointError(file: files[tensor.fileIndex].path, tensor: tensor.name, reason: reason)
    }
    guard tensor.dtype.isDecodable else { throw fail(.cannotDecode(dtype: tensor.dtype.rawValue)) }
    guard rows.lowerBound >= 0, rows.upperBound <= tensor.rowCount else {
      throw fail(.rowsOutOfRange(rows: rows, rowCount: tensor.rowCount))
    }
    let rowLength = tensor.rowLength
    let count = rows.count * rowLength
    guard buffer.count >= count, let out = buffer.baseAddress else {
      if count == 0 { return }
      throw fail(.bufferTooSmall(needed: count, available: buffer.count))
    }
    let (blockElements, blockBytes) = tensor.dtype.block
    let bytesPerRow = rowLength / blockElements * blockBytes
    let start = tensor.byteRange.lowerBound + rows.lowerBound * bytesPerRow
    let src = files[tensor.fileIndex].bytes(start..<(start + rows.count * bytesPerRow))
    Self.decodeValues(tensor.dtype, count: count, from: src, into: out)
  }

  /// Converts `count` values of `dtype` from `src` to `Float`.
  static func decodeValues(
    _ dtype: DType, count: Int, from src: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>
  ) {
    func each<T: FixedWidthInteger>(_: T.Type, _ convert: (T) -> Float) {
      let size = MemoryLayout<T>.size
      for i in 0..<count { out[i] = convert(T(littleEndian: src.loadUnaligned(fromByteOffset: i * size, as: T.self))) }
    }
    switch dtype {
    case .f32:
      // Little-endian host: the bytes are already Floats; a copy handles any alignment.
      UnsafeMutableRawPointer(out).copyMemory(from: src.baseAddress ?? UnsafeRawPointer(out), byteCount: count * 4)
    case .f64: each(UInt64.self) { Float(Double(bitPattern: $0)) }
    case .f16, .bf16:
      if let base = src.baseAddress { FloatFormats.widen(half: dtype == .f16, count: count, from: base, into: out) }
    case .f8E4M3: for i in 0..<count { out[i] = FloatFormats.e4m3Table[Int(src[i])] }
    case .f8E5M2: for i in 0..<count { out[i] = FloatFormats.e5m2Table[Int(src[i])] }
    case .bool, .u8: for i in 0..<count { out[i] = Float(src[i]) }
    case .i8: for i in 0..<count { out[i] = Float(Int8(bitPattern: src[i])) }
    case .u16: each(UInt16.self) { Float($0) }
    case .i16: each(Int16.self) { Float($0) }
    case .u32: each(UInt32.self) { Float($0) }
    case .i32: each(Int32.self) { Float($0) }
    case .u64: each(UInt64.self) { Float($0) }
    case .i64: each(Int64.self) { Float($0) }
    default:
      GGMLDequantize.decode(dtype, blocks: count / dtype.block.elements, from: src, into: out)
    }
  }
}

extension Checkpoint {
  /// Decodes values `columns` of stored row `row` into the front of `buffer`: the quantisation
  /// blocks that hold them are decoded into `scratch` (grown as needed) and the wanted values
  /// copied, so any column range works for every type. With ``decodeRows(_:rows:into:)`` this
  /// lets a wide matrix be read a band of columns at a time.
  public func decodeRowSlice(
    _ tensor: TensorInfo, row: Int, columns: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>, scratch: inout [Float]
  ) throws(CheckpointError) {
    func fail(_ reason: CheckpointError.Reason) -> CheckpointError {
      CheckpointError(file: files[tensor.fileIndex].path, tensor: tensor.name, reason: reason)
    }
    guard tensor.dtype.isDecodable else { throw fail(.cannotDecode(dtype: tensor.dtype.rawValue)) }
    guard row >= 0, row < tensor.rowCount else { throw fail(.rowsOutOfRange(rows: row..<(row + 1), rowCount: tensor.rowCount)) }
    let rowLength = tensor.rowLength
    let wanted = columns.clamped(to: 0..<rowLength)
    guard !wanted.isEmpty, let out = buffer.baseAddress else { return }
    guard buffer.count >= wanted.count else { throw fail(.bufferTooSmall(needed: wanted.count, available: buffer.count)) }
    let (blockElements, blockBytes) = tensor.dtype.block
    let firstBlock = wanted.lowerBound / blockElements
    let lastBlock = (wanted.upperBound + blockElements - 1) / blockElements
    let count = (lastBlock - firstBlock) * blockElements
    let bytesPerRow = rowLength / blockElements * blockBytes
    let start = tensor.byteRange.lowerBound + row * bytesPerRow + firstBlock * blockBytes
    let src = files[tensor.fileIndex].bytes(start..<(start + (lastBlock - firstBlock) * blockBytes))
    if scratch.count < count { scratch = [Float](repeating: 0, count: count) }
    scratch.withUnsafeMutableBufferPointer { s in
      guard let base = s.baseAddress else { return }
      Self.decodeValues(tensor.dtype, count: count, from: src, into: base)
      let skip = wanted.lowerBound - firstBlock * blockElements
      (out).update(from: base + skip, count: wanted.count)
    }
  }

  /// The byte range of values `columns` of stored row `row` (whole quantisation blocks).
  public func byteRange(_ tensor: TensorInfo, row: Int, columns: Range<Int>) -> Range<Int> {
    let (blockElements, blockBytes) = tensor.dtype.block
    let bytesPerRow = tensor.rowLength / blockElements * blockBytes
    let first = columns.lowerBound / blockElements, last = (columns.upperBound + blockElements - 1) / blockElements
    let start = tensor.byteRange.lowerBound + row * bytesPerRow
    return (start + first * blockBytes)..<(start + last * blockBytes)
  }
}
