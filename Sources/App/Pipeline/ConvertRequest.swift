import Checkpoint
public import Compare

/// `eigentone convert`: a lower-precision safetensors copy of a model.
public struct ConvertRequest: PipelineRequest {
  public static let kind = "convert"

  public var model: String
  public var target: Converter.Target
  /// The `.safetensors` file to write.
  public var output: String

  public init(model: String, target: Converter.Target, output: String) {
    self.model = model
    self.target = target
    self.output = output
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) { try models.check(model) }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let checkpoint = try models.checkpoint(model)
    try progress.stage("converting to \(target.rawValue)", at: 0)
    try Converter.convert(checkpoint, to: target, path: output)
    return PipelineResult(files: ["model": output], summary: "\(checkpoint.location) → \(output) (\(target.rawValue))")
  }
}
