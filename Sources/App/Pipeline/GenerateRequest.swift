import Checkpoint
import Foundation
import Inference
import SeededRandom
import Tokenizer

/// `eigentone generate PROMPT [MODEL]`: text continued with a key–value cache
/// (``Inference/LanguageModel/decode(_:cache:steering:)``), greedy unless a temperature is
/// given, streamed token by token through `onText`; optionally steered by a contrast direction.
public struct GenerateRequest: PipelineRequest {
  public static let kind = "generate"

  /// `DIR.safetensors:LAYER:COEF`: COEF times the file's unit direction of LAYER is added to the
  /// residual stream after block LAYER.
  public struct Steer: Sendable, Hashable {
    public var file: String
    public var layer: Int
    public var coefficient: Double

    public init(parsing text: String) throws(PipelineError) {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count >= 3, let layer = Int(parts[parts.count - 2]), let c = Double(parts[parts.count - 1]), c.isFinite else {
        throw .badRequest("--steer takes DIR.safetensors:LAYER:COEF, e.g. harm.safetensors:16:-4 (got \"\(text)\")")
      }
      file = parts.dropLast(2).joined(separator: ":")
      self.layer = layer
      coefficient = c
    }
  }

  public var model: String
  public var prompt: String
  public var maxTokens: Int
  /// Wrap the prompt in the model's chat template (user turn, assistant turn opened).
  public var chat: Bool
  /// 0: greedy.
  public var temperature: Double
  /// 0: the whole vocabulary.
  public var topK: Int
  public var seed: UInt64
  public var steer: Steer?
  /// Called with each piece of text as it is decoded.
  public var onText: (@Sendable (String) -> Void)?

  public init(
    model: String, prompt: String, maxTokens: Int = Limits.defaultGeneratedTokens, chat: Bool = false, temperature: Double = 0, topK: Int = 0,
    seed: UInt64 = 1, steer: Steer? = nil, onText: (@Sendable (String) -> Void)? = nil
  ) {
    self.model = model
    self.prompt = prompt
    self.maxTokens = maxTokens
    self.chat = chat
    self.temperature = temperature
    self.topK = topK
    self.seed = seed
    self.steer = steer
    self.onText = onText
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try Check.prompt(prompt)
    try models.checkRunnable(model)
    guard Limits.generatedTokens.contains(maxTokens) else {
      throw .badRequest("--max-tokens must be between \(Limits.generatedTokens.lowerBound) and \(Limits.generatedTokens.upperBound)")
    }
    guard temperature >= 0, temperature.isFinite, topK >= 0 else { throw .badRequest("--temperature and --top-k must be 0 or more") }
  }

  /// The generated token ids and text, and the decoding speed (tokens per second after the
  /// prompt).
  public struct Output: Sendable {
    public var ids: [Int]
    public var text: String
    public var promptIDs: [Int]
    public var promptTokens: Int { promptIDs.count }
    public var tokensPerSecond: Double
  }

  public func generate(_ models: any ModelSource) throws -> Output {
    let lm = try models.languageModel(model)
    let tokenizer = try models.tokenizer(model)
    let template = ChatTemplate.of(lm.checkpoint)
    let text = chat ? template.wrap(prompt).text : prompt
    let ids = tokenizer.encode(text)
    guard ids.count <= Limits.promptTokens else { throw PipelineError.tooLarge("the prompt has \(ids.count) tokens; at most \(Limits.promptTokens)") }
    var stops = Set<Int>()
    if let eos = lm.checkpoint.metadata["tokenizer.ggml.eos_token_id"]?.intValue { stops.insert(eos) }
    for end in ["<|im_end|>", "<end_of_turn>", "<|endoftext|>"] { if let id = tokenizer.id(of: end), tokenizer.specialTokens[end] != nil { stops.insert(id) } }
    var steering: Steering?
    if let steer {
      let file = try Checkpoint.openSafetensors(at: steer.file)
      guard let tensor = file.tensor(named: "direction"), tensor.shape.count == 2, tensor.shape[1] == lm.hiddenSize else {
        throw PipelineError.badRequest("\(steer.file) holds no direction of width \(lm.hiddenSize) (make one with eigentone direction on this model)")
      }
      guard (0..<tensor.shape[0]).contains(steer.layer) else { throw PipelineError.badRequest("--steer: layer \(steer.layer) is not in 0..<\(tensor.shape[0])") }
      let all = try file.decode(tensor)
      let d = lm.hiddenSize
      steering = Steering(layer: steer.layer, vector: all[(steer.layer * d)..<((steer.layer + 1) * d)].map { Float(steer.coefficient) * $0 })
    }
    var cache = lm.makeCache()
    var logits = try lm.decode(ids, cache: &cache, steering: steering)
    var rng = SplitMix64(seed: seed)
    var generated: [Int] = []
    var shown = ""
    let start = Date()
    for _ in 0..<maxTokens {
      let next = Self.pick(logits, temperature: temperature, topK: topK, rng: &rng)
      if stops.contains(next) { break }
      generated.append(next)
      let decoded = tokenizer.decode(generated)
      // Hold back a trailing replacement character: a byte-fallback sequence may be incomplete.
      let stable = decoded.hasSuffix("\u{FFFD}") ? String(decoded.dropLast()) : decoded
      if stable.count > shown.count, stable.hasPrefix(shown) {
        onText?(String(stable.dropFirst(shown.count)))
        shown = stable
      }
      guard cache.count < lm.contextLength else { break }
      logits = try lm.decode([next], cache: &cache, steering: steering)
    }
    let final = tokenizer.decode(generated)
    if final.count > shown.count, final.hasPrefix(shown) { onText?(String(final.dropFirst(shown.count))) }
    let seconds = Date().timeIntervalSince(start)
    return Output(ids: generated, text: final, promptIDs: ids, tokensPerSecond: seconds > 0 ? Double(generated.count) / seconds : 0)
  }

  /// The next token: the most likely (ties: the lowest id), or a draw at `temperature` from
  /// the `topK` most likely.
  static func pick(_ logits: [Float], temperature: Double, topK: Int, rng: inout SplitMix64) -> Int {
    if temperature == 0 {
      var best = 0
      for i in logits.indices where logits[i] > logits[best] { best = i }
      return best
    }
    var order = Array(logits.indices)
    if topK > 0 && topK < logits.count {
      order.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
      order = Array(order.prefix(topK))
    }
    let m = order.map { Double(logits[$0]) }.max() ?? 0
    let weights = order.map { Foundation.exp((Double(logits[$0]) - m) / temperature) }
    var u = rng.unit() * weights.reduce(0, +)
    for (k, w) in zip(order, weights) {
      u -= w
      if u <= 0 { return k }
    }
    return order.last ?? 0
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let out = try generate(models)
    return PipelineResult(
      summary: String(format: "%d tokens after a %d-token prompt, %.1f tokens/s", out.ids.count, out.promptTokens, out.tokensPerSecond),
      facts: ["tokens": "\(out.ids.count)", "text": out.text])
  }
}
