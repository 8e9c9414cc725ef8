/// The anatomy's verdict on one stored tensor.
public struct TensorAssignment: Sendable, Hashable, Codable {
  /// The raw name in the file.
  public var tensor: String
  public var role: Role
  public var parameter: Parameter
  /// Block index as numbered in the file, or `nil` for model-level tensors.
  public var layer: Int?
  public var layout: Layout

  public init(tensor: String, role: Role, parameter: Parameter, layer: Int?, layout: Layout) {
    self.tensor = tensor
    self.role = role
    self.parameter = parameter
    self.layer = layer
    self.layout = layout
  }
}

/// One role's matrix (or vector) in a layer: a whole stored tensor, or a slice of a fused one.
public struct RoleSlice: Sendable, Hashable, Codable {
  public var role: Role
  public var parameter: Parameter
  /// The stored tensor the values come from.
  public var tensor: String
  /// For a slice of a fused tensor: the output features taken (rows for `out_in`, columns for
  /// `in_out`). `nil` means the whole tensor.
  public var outputs: Range<Int>?
  public var layout: Layout
  /// The fused role this slice was cut from, if any.
  public var fusedFrom: Role?

  public init(
    role: Role, parameter: Parameter, tensor: String, outputs: Range<Int>? = nil, layout: Layout,
    fusedFrom: Role? = nil
  ) {
    self.role = role
    self.parameter = parameter
    self.tensor = tensor
    self.outputs = outputs
    self.layout = layout
    self.fusedFrom = fusedFrom
  }

  enum CodingKeys: String, CodingKey {
    case role, parameter, tensor, outputs, layout
    case fusedFrom = "fused_from"
  }
}

/// Everything one transformer block holds, by role.
public struct LayerAnatomy: Sendable, Hashable, Codable {
  /// The block index as numbered in the file.
  public var index: Int
  /// Weight and bias slices, in canonical role order.
  public var slices: [RoleSlice]

  public init(index: Int, slices: [RoleSlice]) {
    self.index = index
    self.slices = slices
  }

  /// The weight slice for `role`, if the layer has one.
  public func weight(_ role: Role) -> RoleSlice? {
    slices.first { $0.role == role && $0.parameter == .weight }
  }

  /// The bias slice for `role`, if the layer has one.
  public func bias(_ role: Role) -> RoleSlice? {
    slices.first { $0.role == role && $0.parameter == .bias }
  }

  /// Roles with a weight in this layer, in canonical order.
  public var roles: [Role] {
    var seen: [Role] = []
    for s in slices where s.parameter == .weight && !seen.contains(s.role) { seen.append(s.role) }
    return seen.sorted()
  }
}
