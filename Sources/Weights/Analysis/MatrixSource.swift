public import Anatomy
public import Checkpoint

/// A matrix to analyse: a stored tensor, or the slice of a fused one that plays one role.
///
/// The analysed matrix is always oriented `[outputs, inputs]`: GPT-2's Conv1D weights (stored
/// `[in, out]`) are read transposed, so row norms are per output neuron for every format.
/// Tensors of rank above 2 are read as `[shape[0], rest]`.
public struct MatrixSource: Sendable, Hashable {
  public var tensor: TensorInfo
  public var role: Role
  public var layer: Int?
  public var layout: Layout
  /// Output features taken from a fused tensor, `nil` for the whole tensor.
  public var outputs: Range<Int>?

  public init(tensor: TensorInfo, role: Role, layer: Int?, layout: Layout, outputs: Range<Int>? = nil) {
    self.tensor = tensor
    self.role = role
    self.layer = layer
    self.layout = layout
    self.outputs = outputs
  }

  /// Unique name: the tensor name, plus `:role` for a slice of a fused tensor.
  public var name: String { outputs == nil ? tensor.name : tensor.name + ":" + role.rawValue }

  /// Rows and columns as stored (rank > 2 folded into the columns).
  var storedShape: (rows: Int, cols: Int) {
    let rows = tensor.shape.first ?? 1
    return (rows, rows == 0 ? 0 : tensor.elementCount / rows)
  }

  /// Whether stored columns are the outputs (GPT-2 Conv1D).
  var outputsAreColumns: Bool { layout == .inOut }

  /// The stored rows read (all, or the output slice for `[out, in]` tensors).
  var storedRowRange: Range<Int> {
    let all = 0..<storedShape.rows
    guard let outputs, !outputsAreColumns else { return all }
    return outputs.clamped(to: all)
  }

  /// The stored columns kept (all, or the output slice for `[in, out]` tensors).
  var storedColumnRange: Range<Int> {
    let all = 0..<storedShape.cols
    guard let outputs, outputsAreColumns else { return all }
    return outputs.clamped(to: all)
  }

  /// Shape of the analysed matrix as `[outputs, inputs]`.
  public var shape: [Int] {
    let r = storedRowRange.count, c = storedColumnRange.count
    return outputsAreColumns ? [c, r] : [r, c]
  }

  /// Estimated cost in multiply-adds (`m n²` for the Gram plus `n³` for the eigensolver), for
  /// scheduling the largest matrices first.
  var cost: Double {
    let m = Double(max(shape[0], shape[1])), n = Double(min(shape[0], shape[1]))
    return m * n * n + n * n * n
  }
}
