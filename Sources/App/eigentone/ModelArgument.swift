import ArgumentParser
import Checkpoint
import Foundation

/// The model a command works on, with the shared resolution rules.
struct ModelArgument: ParsableArguments {
  @Argument(help: "The model: a file, a folder, a Hugging Face repo id, or a name under models/.")
  var model: String = ModelResolver.defaultModelName

  /// Resolves and opens the model (headers only).
  func open() throws -> Checkpoint {
    try ModelResolver.standard(environment: ProcessInfo.processInfo.environment).open(model)
  }
}
