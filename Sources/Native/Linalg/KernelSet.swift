public import CPUFeatures
/// A weight matrix packed once for repeated products `y = x · Wᵀ` by the vector kernels of one
/// instruction level (`PackedGEMM` for AVX-512, `PackedGEMMAVX2` for AVX2).
public protocol PackedWeights: Sendable {
  /// Outputs (rows of W).
  var rows: Int { get }
  /// Inputs (columns of W).
  var columns: Int { get }
  /// `y = x · Wᵀ`: `x` is `tokens × columns` row-major, `y` becomes `tokens × rows`. The result
  /// does not depend on `threads`.
  func multiply(_ x: UnsafePointer<Float>, tokens: Int, into y: UnsafeMutablePointer<Float>, threads: Int, pool: WorkerPool)
}

/// The vector kernels of one instruction level. Both levels compile the same source, so they
/// sum in the same order and give bit-identical results; they differ only in the instructions.
public protocol VectorKernelSet {
  /// The level these kernels are compiled for: call them only when ``Linalg/level`` is it.
  static var level: InstructionLevel { get }
  /// Σ a[i]·b[i] over `count` floats, in a fixed order.
  static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float
  /// y[i] += alpha · x[i].
  static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
  /// out[i] = silu(gate[i]) · up[i].
  static func swiGLU(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int)
  /// A softmax in place.
  static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int)
  /// In place, `row[i] ← e^(row[i] − shift)`; returns the sum of the results (in Double, in a
  /// fixed order).
  static func exponentiate(_ row: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Double
  /// y[i] = GELU(x[i]) in GPT-2's tanh form, ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  static func geluTanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int)
  /// dx[i] = GELU′(x[i]) · dy[i] for the tanh form.
  static func geluTanhBackward(_ x: UnsafePointer<Float>, gradient dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int)
  /// `out[0..<width] = Σₛ weights[s] · rows[s·stride ..< s·stride + width]`.
  static func weightedRows(
    _ weights: UnsafePointer<Float>, count: Int, rows: UnsafePointer<Float>, stride: Int, width: Int, into out: UnsafeMutablePointer<Float>)
  /// Packs W given row-major (`rows × columns`).
  static func pack(rowMajor w: UnsafeBufferPointer<Float>, rows: Int, columns: Int) -> any PackedWeights
}
