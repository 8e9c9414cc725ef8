import Checkpoint
import Foundation
public import Inside

/// A contrast direction file as `eigentone direction` writes it (safetensors): `direction`
/// [layers, hidden] (unit rows; row l for the residual stream after block l), `separation`
/// [layers], and the reference distributions the album scores tension against,
/// `reference_instruction_{mean,deviation}` [layers] (the negative set's projections at its
/// instruction tokens), `reference_closing_{mean,deviation}` [closing tokens, layers] (at each
/// closing token) and `reference_prompt_{mean,deviation}` [layers] (of each prompt's mean over
/// its closing tokens); the
/// chosen layer, the template and the two sets' names in the metadata.
public struct DirectionFile: Sendable {
  public var directions: [[Double]]
  public var separation: [Double]
  public var reference: ActivationTension.Reference
  public var chosenLayer: Int
  /// The model the direction was measured on (as named then), the template, the sets.
  public var model: String
  public var template: String
  public var positive: String
  public var negative: String

  public var hiddenSize: Int { directions.first?.count ?? 0 }

  public init(
    directions: [[Double]], separation: [Double], reference: ActivationTension.Reference, chosenLayer: Int, model: String, template: String, positive: String,
    negative: String
  ) {
    self.directions = directions
    self.separation = separation
    self.reference = reference
    self.chosenLayer = chosenLayer
    self.model = model
    self.template = template
    self.positive = positive
    self.negative = negative
  }

  /// Reads `path`; `hiddenSize` and `layers`, when given, must match (the model it is used on).
  public static func read(_ path: String, hiddenSize: Int? = nil, layers: Int? = nil) throws(PipelineError) -> DirectionFile {
    let file: Checkpoint
    do { file = try Checkpoint.openSafetensors(at: path) } catch { throw .badRequest("\(path): not a direction file (\(error))") }
    guard file.metadata["format"]?.stringValue == "eigentone-direction", let tensor = file.tensor(named: "direction"), tensor.shape.count == 2 else {
      throw .badRequest("\(path) is not a direction file (make one with eigentone direction)")
    }
    let (L, d) = (tensor.shape[0], tensor.shape[1])
    if let hiddenSize, hiddenSize != d { throw .badRequest("\(path) holds directions of width \(d); the model's hidden size is \(hiddenSize)") }
    if let layers, layers != L { throw .badRequest("\(path) holds \(L) layers of directions; the model has \(layers)") }
    func vector(_ name: String, required: Bool = true) throws(PipelineError) -> [Double]? {
      guard let t = file.tensor(named: name) else {
        if required { throw .badRequest("\(path) has no \(name) (made by an older eigentone: run eigentone direction again)") }
        return nil
      }
      do { return try file.decode(t).map(Double.init) } catch { throw .badRequest("\(path): \(name) cannot be read (\(error))") }
    }
    guard let all = try vector("direction"), all.count == L * d, let separation = try vector("separation"), separation.count == L,
      let im = try vector("reference_instruction_mean"), im.count == L, let id = try vector("reference_instruction_deviation"), id.count == L,
      let cm = try vector("reference_closing_mean"), cm.count % L == 0, let cd = try vector("reference_closing_deviation"), cd.count == cm.count,
      let pm = try vector("reference_prompt_mean"), pm.count == L, let pd = try vector("reference_prompt_deviation"), pd.count == L
    else { throw .badRequest("\(path): its tensors do not have the shapes of a direction file") }
    let chosen = file.metadata["chosen_layer"]?.stringValue.flatMap { Int($0) } ?? 0
    guard (0..<L).contains(chosen) else { throw .badRequest("\(path): chosen layer \(chosen) is not in 0..<\(L)") }
    func text(_ key: String) -> String { file.metadata[key]?.stringValue ?? "" }
    return DirectionFile(
      directions: (0..<L).map { Array(all[($0 * d)..<(($0 + 1) * d)]) }, separation: separation,
      reference: .init(
        instruction: .init(mean: im, deviation: id),
        closing: (0..<(cm.count / L)).map { k in .init(mean: Array(cm[(k * L)..<((k + 1) * L)]), deviation: Array(cd[(k * L)..<((k + 1) * L)])) },
        prompt: .init(mean: pm, deviation: pd)), chosenLayer: chosen, model: text("model"), template: text("template"), positive: text("positive"),
      negative: text("negative"))
  }

  /// Writes the file atomically.
  public func write(to path: String) throws(PipelineError) {
    let L = directions.count
    var writer = SafetensorsWriter()
    writer.entries = [
      .init(name: "direction", shape: [L, hiddenSize], floats: directions.flatMap { $0.map(Float.init) }),
      .init(name: "separation", shape: [L], floats: separation.map(Float.init)),
      .init(name: "reference_instruction_mean", shape: [L], floats: reference.instruction.mean.map(Float.init)),
      .init(name: "reference_instruction_deviation", shape: [L], floats: reference.instruction.deviation.map(Float.init)),
      .init(name: "reference_closing_mean", shape: [reference.closing.count, L], floats: reference.closing.flatMap { $0.mean.map(Float.init) }),
      .init(name: "reference_closing_deviation", shape: [reference.closing.count, L], floats: reference.closing.flatMap { $0.deviation.map(Float.init) }),
      .init(name: "reference_prompt_mean", shape: [L], floats: reference.prompt.mean.map(Float.init)),
      .init(name: "reference_prompt_deviation", shape: [L], floats: reference.prompt.deviation.map(Float.init)),
    ]
    writer.metadata = [
      "format": "eigentone-direction", "model": model, "chosen_layer": "\(chosenLayer)", "template": template, "positive": positive, "negative": negative,
      "layer_indexing": "layer l = the residual stream after block l (0-based)",
      "reference": "the negative set's projections on each layer's direction over its instruction tokens and over its closing tokens",
    ]
    do { try writer.write(to: path) } catch { throw .failed("cannot write \(path): \(error)") }
  }
}
