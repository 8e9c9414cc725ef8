import AtomicFile
import Checkpoint
import Foundation
import Inference
import Inside
import JSONText
import Tokenizer

/// `eigentone direction MODEL --positive FILE --negative FILE -o DIR.safetensors`: a contrast
/// direction between two prompt sets (``Inside/ContrastDirection``), one per layer, read at the
/// tokens after the instruction (the chat template's closing and the assistant's opening; with
/// `raw`, the prompt's last token).
public struct DirectionRequest: PipelineRequest {
  public static let kind = "direction"

  public var model: String
  public var positive: [String]
  public var negative: [String]
  /// Names of the two sets (their files' names), for the summary and the JSON.
  public var names: (positive: String, negative: String)
  public var output: String
  public var json: String?
  public var raw: Bool

  public init(model: String, positive: [String], negative: [String], names: (String, String), output: String, json: String? = nil, raw: Bool = false) {
    self.model = model
    self.positive = positive
    self.negative = negative
    self.names = names
    self.output = output
    self.json = json
    self.raw = raw
  }

  /// The numbers, as `--json` writes them (snake_case on disk).
  public struct Report: Sendable, Codable {
    public struct Layer: Sendable, Codable {
      public var layer: Int
      public var direction: [Double]
      public var separation: Double
      public var norm: Double
    }
    public struct Prompt: Sendable, Codable {
      public var set: String
      public var text: String
      public var ids: [Int]
      public var positions: [Int]
    }
    public var model: String
    public var template: String
    public var positive: String
    public var negative: String
    public var layers: [Layer]
    public var chosenLayer: Int
    public var prompts: [Prompt]

    enum CodingKeys: String, CodingKey {
      case model, template, positive, negative, layers, prompts
      case chosenLayer = "chosen_layer"
    }
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.checkRunnable(model)
    guard positive.count >= 10, negative.count >= 10 else {
      throw .badRequest(
        "each prompt set needs at least 10 prompts (every fifth is held out to choose the layer, two at least); got \(positive.count) and \(negative.count)")
    }
    for p in positive + negative { try Check.prompt(p) }
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try progress.stage("loading \(model)", at: 0)
    let lm = try models.languageModel(model)
    let tokenizer = try models.tokenizer(model)
    let template = raw ? ChatTemplate.none : ChatTemplate.of(lm.checkpoint)
    if !raw, template == .none {
      throw PipelineError.badRequest("\(model) names no chat template; give --raw to read each prompt's last token")
    }
    try progress.stage("running the prompts", at: 0.05)
    var prompts: [Report.Prompt] = []
    var means: (positive: [[[Double]]], negative: [[[Double]]]) = ([], [])
    let all = positive.map { ("positive", $0) } + negative.map { ("negative", $0) }
    for (k, (set, text)) in all.enumerated() {
      let (wrapped, after) = template.wrap(text)
      let ids = tokenizer.encode(wrapped)
      guard ids.count <= Limits.promptTokens else { throw PipelineError.tooLarge("a prompt has \(ids.count) tokens; at most \(Limits.promptTokens)") }
      // The closing tokens: as many as the text after the instruction makes on its own.
      let tail = after.isEmpty ? 1 : max(1, tokenizer.encode(after).count - (tokenizer.beginningOfText == nil ? 0 : 1))
      let positions = Array((ids.count - min(tail, ids.count))..<ids.count)
      let pass = try lm.forward(batch: [ids], logits: false)
      let d = pass.hiddenSize
      var perLayer: [[Double]] = []
      for l in 1...pass.layerCount {
        var m = [Double](repeating: 0, count: d)
        for t in positions { for (i, v) in pass.state(layer: l, token: t).enumerated() { m[i] += Double(v) } }
        perLayer.append(m.map { $0 / Double(positions.count) })
      }
      if set == "positive" { means.positive.append(perLayer) } else { means.negative.append(perLayer) }
      prompts.append(Report.Prompt(set: set, text: text, ids: ids, positions: positions))
      progress.update(k + 1, of: all.count, from: 0.05, to: 0.9, item: String(text.prefix(40)))
    }
    try progress.stage("directions", at: 0.9)
    let direction = ContrastDirection(positive: means.positive, negative: means.negative)
    let L = direction.layers.count, d = direction.layers.first?.direction.count ?? 0
    var writer = SafetensorsWriter()
    writer.entries = [
      .init(name: "direction", shape: [L, d], floats: direction.layers.flatMap { $0.direction.map(Float.init) }),
      .init(name: "separation", shape: [L], floats: direction.layers.map { Float($0.separation) }),
    ]
    writer.metadata = [
      "format": "eigentone-direction", "model": lm.checkpoint.location, "chosen_layer": "\(direction.chosenLayer)", "template": template.name,
      "positive": names.positive, "negative": names.negative, "layer_indexing": "layer l = the residual stream after block l (0-based)",
    ]
    try writer.write(to: output)
    var files = ["direction": output]
    if let json {
      let report = Report(
        model: lm.checkpoint.location, template: template.name, positive: names.positive, negative: names.negative,
        layers: direction.layers.map { .init(layer: $0.layer, direction: $0.direction, separation: $0.separation, norm: $0.norm) },
        chosenLayer: direction.chosenLayer, prompts: prompts)
      try AtomicFile.write(try JSONText.encode(report), to: json)
      files["json"] = json
    }
    let best = direction.layers[direction.chosenLayer]
    return PipelineResult(
      files: files,
      summary: String(
        format: "%@ − %@ direction over %d + %d prompts (%@ template); chosen layer %d of %d (held-out separation d = %.2f)", names.positive,
        names.negative, positive.count, negative.count, template.name, direction.chosenLayer, L, best.separation),
      facts: ["chosen_layer": "\(direction.chosenLayer)", "template": template.name])
  }
}
