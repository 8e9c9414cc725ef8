/// Why a model cannot be run.
public enum InferenceError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The architecture has no forward pass here (only Llama-family and GPT-2).
  case unsupportedArchitecture(String)
  /// A tensor the forward pass needs is missing or has the wrong shape.
  case missingTensor(String)
  case wrongShape(String, expected: [Int], found: [Int])
  /// A hyperparameter could not be found.
  case missingHyperparameter(String)
  case emptyPrompt
  case tooLong(tokens: Int, limit: Int)
  case tokenOutOfRange(Int, vocabulary: Int)
  /// The weights produced NaN or infinity.
  case notFinite(layer: Int)
  case decode(String)

  public var description: String {
    switch self {
    case .unsupportedArchitecture(let a): "no forward pass for architecture \"\(a)\" (supported: llama family, gpt2, gemma3)"
    case .missingTensor(let n): "the model has no tensor \(n)"
    case .wrongShape(let n, let e, let f): "tensor \(n) has shape \(f), expected \(e)"
    case .missingHyperparameter(let n): "cannot find the model's \(n)"
    case .emptyPrompt: "the prompt has no tokens"
    case .tooLong(let t, let l): "the prompt has \(t) tokens; this model takes at most \(l)"
    case .tokenOutOfRange(let t, let v): "token id \(t) is outside the vocabulary of \(v)"
    case .notFinite(let l): "layer \(l) produced NaN or infinite activations (broken weights?)"
    case .decode(let reason): reason
    }
  }
}
