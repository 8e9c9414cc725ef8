/// The architecture family, which decides naming rules and norm conventions.
public enum Family: String, Sendable, Hashable, Codable {
  case gpt2
  case llama  // Llama, Mistral, Qwen, SmolLM and other Llama-shaped decoders
  case gemma
  case phi3
  case bert
  case unknown

  /// Maps a `model_type` (config.json) or `general.architecture` (GGUF) to a family.
  public init(architecture: String) {
    let a = architecture.lowercased()
    if a.hasPrefix("gpt2") {
      self = .gpt2
    } else if a.hasPrefix("gemma") {
      self = .gemma
    } else if a.hasPrefix("phi3") || a == "phi-3" {
      self = .phi3
    } else if a.hasPrefix("bert") || a.hasPrefix("roberta") || a.hasPrefix("nomic-bert") {
      self = .bert
    } else if ["llama", "mistral", "mixtral", "qwen", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "smollm", "smollm3", "olmo", "granite"]
      .contains(where: { a.hasPrefix($0) })
    {
      self = .llama
    } else {
      self = .unknown
    }
  }
}
