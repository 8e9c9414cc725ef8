public import Checkpoint
import Foundation

/// How a model wants a user's turn written, chosen from the model file: ChatML (SmolLM2, Qwen:
/// `<|im_start|>user … <|im_end|>`, with the default system turn the GGUF's Jinja template adds
/// when there is none) or Gemma's turns (`<start_of_turn>user … <end_of_turn>`), as llama.cpp
/// renders them for a single user message with the assistant's turn opened.
public enum ChatTemplate: Sendable, Hashable {
  case chatML(system: String?)
  case gemma
  /// No template known: prompts are used as written.
  case none

  /// The template the checkpoint's metadata names (`tokenizer.chat_template`), or Gemma's for a
  /// Gemma 3 file (whose base model ships none).
  public static func of(_ checkpoint: Checkpoint) -> ChatTemplate {
    let jinja = checkpoint.metadata["tokenizer.chat_template"]?.stringValue ?? ""
    if jinja.contains("<|im_start|>") {
      // The default system turn, as the template writes it when the first message is not one.
      let marker = "<|im_start|>system\n"
      if let start = jinja.range(of: marker), let end = jinja.range(of: "<|im_end|>", range: start.upperBound..<jinja.endIndex) {
        return .chatML(system: String(jinja[start.upperBound..<end.lowerBound]))
      }
      return .chatML(system: nil)
    }
    if jinja.contains("<start_of_turn>") || checkpoint.metadata["general.architecture"]?.stringValue == "gemma3" { return .gemma }
    return .none
  }

  public var name: String {
    switch self {
    case .chatML: "chatml"
    case .gemma: "gemma"
    case .none: "none"
    }
  }

  /// The prompt in a user turn, the assistant's turn opened; and the text after the instruction
  /// (the turn's closing and the assistant's opening), whose tokens a contrast direction reads.
  public func wrap(_ prompt: String) -> (text: String, afterInstruction: String) {
    switch self {
    case .chatML(let system):
      let head = system.map { "<|im_start|>system\n\($0)<|im_end|>\n" } ?? ""
      let tail = "<|im_end|>\n<|im_start|>assistant\n"
      return (head + "<|im_start|>user\n" + prompt + tail, tail)
    case .gemma:
      let tail = "<end_of_turn>\n<start_of_turn>model\n"
      return ("<start_of_turn>user\n" + prompt + tail, tail)
    case .none:
      return (prompt, "")
    }
  }
}
