public import Checkpoint

/// Writes a lower-precision safetensors copy of a model, tensor by tensor.
///
/// - `f16`, `bf16`: every floating-point tensor rounded to nearest (ties to even).
/// - `int8`: every floating-point tensor of rank ≥ 2 quantised per row, symmetrically
///   (scale = max|row|/127, q = round(x/scale)), then dequantised and written as F32 so any
///   reader can load it; vectors (norms, biases) are kept at full precision, as int8 schemes do.
/// Integer tensors (position ids) are copied; names and `__metadata__` are kept.
public enum Converter {
  public enum Target: String, Sendable, CaseIterable {
    case f16, bf16, int8
  }

  /// Converts `checkpoint` into the safetensors file at `path` (written atomically).
  public static func convert(_ checkpoint: Checkpoint, to target: Target, path: String) throws {
    var metadata: [String: String] = [:]
    for (k, v) in checkpoint.metadata { if case .string(let s) = v { metadata[k] = s } }
    metadata["eigentone.converted_to"] = target.rawValue
    var plans: [SafetensorsWriter.Plan] = []
    for t in checkpoint.tensors {
      let (dtype, width) = outputType(t, target)
      plans.append(SafetensorsWriter.Plan(name: t.name, dtype: dtype, shape: t.shape, byteCount: t.elementCount * width))
    }
    try SafetensorsWriter.stream(plans, metadata: metadata, to: path) { i in
      let t = checkpoint.tensors[i]
      let (dtype, _) = outputType(t, target)
      if dtype == t.dtype && target != .int8 || !t.dtype.isFloatingPoint {
        return Array(checkpoint.files[t.fileIndex].bytes(t.byteRange))
      }
      var values = try checkpoint.decode(t)
      if target == .int8 && t.shape.count >= 2 { quantizeRows(&values, rowLength: t.rowLength) }
      return encode(values, as: dtype)
    }
  }

  static func outputType(_ t: TensorInfo, _ target: Target) -> (DType, Int) {
    guard t.dtype.isFloatingPoint, t.dtype.isDecodable else { return (t.dtype, t.dtype.block.bytes / max(1, t.dtype.block.elements)) }
    switch target {
    case .f16: return (.f16, 2)
    case .bf16: return (.bf16, 2)
    case .int8: return (.f32, 4)
    }
  }

  /// Per-row symmetric int8 quantisation, dequantised in place.
  static func quantizeRows(_ values: inout [Float], rowLength: Int) {
    guard rowLength > 0 else { return }
    for start in stride(from: 0, to: values.count, by: rowLength) {
      let end = min(values.count, start + rowLength)
      var peak: Float = 0
      for i in start..<end where values[i].isFinite { peak = max(peak, abs(values[i])) }
      guard peak > 0 else { continue }
      let scale = peak / 127
      for i in start..<end where values[i].isFinite {
        values[i] = min(127, max(-127, (values[i] / scale).rounded(.toNearestOrEven))) * scale
      }
    }
  }

  /// Little-endian bytes of `values` as F32, F16 or BF16 (round to nearest, ties to even).
  public static func encode(_ values: [Float], as dtype: DType) -> [UInt8] {
    var out: [UInt8] = []
    switch dtype {
    case .f16:
      out.reserveCapacity(values.count * 2)
      for v in values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
    case .bf16:
      out.reserveCapacity(values.count * 2)
      for v in values {
        let bits = v.bitPattern
        let rounded: UInt16 = v.isNaN ? UInt16(bits >> 16) | 0x40 : UInt16((bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
        withUnsafeBytes(of: rounded.littleEndian) { out.append(contentsOf: $0) }
      }
    default:
      out.reserveCapacity(values.count * 4)
      for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
    }
    return out
  }
}
