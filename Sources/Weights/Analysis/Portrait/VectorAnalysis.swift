/// A 1-D parameter: a norm's gain or a bias. For norm gains the values are the *effective*
/// gains (1 + w for Gemma checkpoints, which store the offset).
public struct VectorAnalysis: Sendable, Hashable, Codable {
  public var name: String
  public var role: String
  public var layer: Int?
  /// `weight` (a gain, for norms) or `bias`.
  public var parameter: String
  public var dtype: String
  public var values: [Double]
  /// What was added to every stored value (1 for Gemma norm gains, else 0).
  public var offset: Double
  public var mean: Double
  public var std: Double
  public var min: Double
  public var max: Double
  public var skewness: Double
  public var kurtosis: Double
  /// L2 norm of the values.
  public var norm: Double
  public var nanCount: Int
  public var infCount: Int

  enum CodingKeys: String, CodingKey {
    case name, role, layer, parameter, dtype, values, offset, mean, std, min, max, skewness, kurtosis, norm
    case nanCount = "nan_count"
    case infCount = "inf_count"
  }
}
