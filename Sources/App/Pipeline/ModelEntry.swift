/// A model the studio can use, as listed by `GET /api/models`.
public struct ModelEntry: Sendable, Hashable, Codable {
  /// The name requests use: a folder or file name under a models directory, or a Hugging Face
  /// repo id (`owner/name`) from the local cache.
  public var id: String
  /// Where the weights are (file or folder).
  public var location: String
  /// `safetensors` or `gguf`.
  public var format: String
  /// The architecture as the checkpoint states it (`llama`, `bert`, `gpt2`, ...).
  public var architecture: String
  /// `gpt2`, `llama`, `gemma`, `phi3`, `bert` or `unknown`.
  public var family: String
  public var parameters: Int
  /// Bytes of tensor data.
  public var bytes: Int
  /// Where it was found: `models` (a models directory) or `huggingface` (the hub cache).
  public var source: String
  /// Whether it can run a forward pass (and so be sonified): decoders of the Llama and GPT-2
  /// families, and Gemma 3.
  public var canSonify: Bool

  enum CodingKeys: String, CodingKey {
    case id, location, format, architecture, family, parameters, bytes, source
    case canSonify = "can_sonify"
  }
}
