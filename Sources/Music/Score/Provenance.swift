/// Where a note came from: the tensor, role and layer, the statistic, the index inside it, and
/// its value. Every note of every score points to one.
public struct Provenance: Sendable, Hashable, Codable {
  public var tensor: String
  public var role: String?
  public var layer: Int?
  /// The statistic's name, as in the portrait (`singular_values`, `row_norms`, `alpha`, ...).
  public var statistic: String
  /// Index inside the statistic (a singular value's rank, a row), when it is a vector.
  public var index: Int?
  public var value: Double

  public init(tensor: String, role: String? = nil, layer: Int? = nil, statistic: String, index: Int? = nil, value: Double) {
    self.tensor = tensor
    self.role = role
    self.layer = layer
    self.statistic = statistic
    self.index = index
    self.value = value
  }
}
