/// Shape facts about a model: from `config.json` or GGUF metadata when present, inferred from
/// tensor shapes when not. `nil` means neither source says.
public struct Hyperparameters: Sendable, Hashable, Codable {
  public var layerCount: Int
  public var hiddenSize: Int?
  public var headCount: Int?
  public var keyValueHeadCount: Int?
  public var headDimension: Int?
  public var intermediateSize: Int?
  public var vocabularySize: Int?
  public var contextLength: Int?

  public init(
    layerCount: Int, hiddenSize: Int? = nil, headCount: Int? = nil, keyValueHeadCount: Int? = nil,
    headDimension: Int? = nil, intermediateSize: Int? = nil, vocabularySize: Int? = nil, contextLength: Int? = nil
  ) {
    self.layerCount = layerCount
    self.hiddenSize = hiddenSize
    self.headCount = headCount
    self.keyValueHeadCount = keyValueHeadCount
    self.headDimension = headDimension
    self.intermediateSize = intermediateSize
    self.vocabularySize = vocabularySize
    self.contextLength = contextLength
  }

  enum CodingKeys: String, CodingKey {
    case keyValueHeadCount, headDimension, vocabularySize
    case layerCount = "layer_count"
    case hiddenSize = "hidden_size"
    case headCount = "head_count"
    case intermediateSize = "intermediate_size"
    case contextLength = "context_length"
  }
}
