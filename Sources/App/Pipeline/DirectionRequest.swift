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

  /// The template a request uses: the model's (an error if it names none), or none with `raw`.
  static func template(_ lm: LanguageModel, model: String, raw: Bool) throws(PipelineError) -> ChatTemplate {
    let template = raw ? ChatTemplate.none : ChatTemplate.of(lm.checkpoint)
    if !raw, template == .none { throw .badRequest("\(model) names no chat template; give --raw to read each prompt's last token") }
    return template
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try progress.stage("loading \(model)", at: 0)
    let lm = try models.languageModel(model)
    let tokenizer = try models.tokenizer(model)
    let (file, direction, prompts) = try measure(lm, tokenizer: tokenizer, progress: progress, from: 0.05, to: 0.95)
    try file.write(to: output)
    let L = direction.layers.count
    let template = file.template
    var files = ["direction": output]
    if let json {
      let report = Report(
        model: lm.checkpoint.location, template: template, positive: names.positive, negative: names.negative,
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
        names.negative, positive.count, negative.count, template, direction.chosenLayer, L, best.separation),
      facts: ["chosen_layer": "\(direction.chosenLayer)", "template": template])
  }

  /// Runs both sets and measures the directions and the reference distribution (progress
  /// from `start` to `end`).
  func measure(
    _ lm: LanguageModel, tokenizer: BytePairTokenizer, progress: any PipelineProgress, from start: Double, to end: Double
  ) throws -> (DirectionFile, ContrastDirection, [Report.Prompt]) {
    let template = try Self.template(lm, model: model, raw: raw)
    try progress.stage("running the prompts", at: start)
    var prompts: [Report.Prompt] = []
    var means: (positive: [[[Double]]], negative: [[[Double]]]) = ([], [])
    // The negative prompts' scored states (instruction and closing tokens, outliers screened),
    // kept to measure the reference distribution once the directions are known.
    var reference: [(instruction: [[Float]], closing: [[[Float]]], means: [[Double]])] = []
    let all = positive.map { ("positive", $0) } + negative.map { ("negative", $0) }
    for (k, (set, text)) in all.enumerated() {
      let prompt = try TemplatedPrompt(text, template: template, tokenizer: tokenizer)
      let positions = Array(prompt.closing)
      let pass = try lm.forward(batch: [prompt.ids], logits: false)
      let d = pass.hiddenSize
      var perLayer: [[Double]] = []
      for l in 1...pass.layerCount {
        var m = [Double](repeating: 0, count: d)
        for t in positions {
          let row = pass.state(layer: l, token: t)
          for i in 0..<d { m[i] += Double(row[row.startIndex + i]) }
        }
        perLayer.append(m.map { $0 / Double(positions.count) })
      }
      if set == "positive" {
        means.positive.append(perLayer)
      } else {
        means.negative.append(perLayer)
        let kept = ActivationTension.screen(pass, candidates: prompt.scored).kept
        func states(_ range: Range<Int>) -> [[Float]] {
          (1...pass.layerCount).map { l in kept.filter(range.contains).flatMap { pass.state(layer: l, token: $0) } }
        }
        reference.append((states(prompt.instruction), prompt.closing.map { states($0..<($0 + 1)) }, perLayer))
      }
      prompts.append(Report.Prompt(set: set, text: text, ids: prompt.ids, positions: positions))
      progress.update(k + 1, of: all.count, from: start, to: end, item: String(text.prefix(40)))
    }
    try progress.stage("directions", at: end)
    let direction = ContrastDirection(positive: means.positive, negative: means.negative)
    let L = direction.layers.count
    let unit = direction.layers.map(\.direction)
    let file = DirectionFile(
      directions: unit, separation: direction.layers.map(\.separation),
      reference: ActivationTension.Reference(
        instruction: .init(pooling: reference.map { Self.project($0.instruction, on: unit) }),
        closing: (0..<(reference.map(\.closing.count).min() ?? 0)).map { k in .init(pooling: reference.map { Self.project($0.closing[k], on: unit) }) },
        prompt: .init(pooling: reference.map { r in zip(r.means, unit).map { m, u in [zip(m, u).reduce(0) { $0 + $1.0 * $1.1 }] } })),
      chosenLayer: direction.chosenLayer, model: lm.checkpoint.location, template: template.name, positive: names.positive, negative: names.negative)
    return (file, direction, prompts)
  }

  /// Per layer, the projections of the rows of `states[l]` (hidden size each) on `unit[l]`.
  static func project(_ states: [[Float]], on unit: [[Double]]) -> [[Double]] {
    zip(states, unit).map { rows, r in stride(from: 0, to: rows.count, by: r.count).map { ActivationTension.dot(rows[$0..<($0 + r.count)], r) } }
  }
}
