import AtomicFile
import Checkpoint
import Corpora
import Foundation
import Linalg
public import MusicTokens

/// How a model is trained (`eigentone train`'s flags).
public struct TrainingSettings: Sendable, Hashable, Codable {
  public var config = GPTConfig.seed
  public var steps = 1200
  public var batch = 16
  /// Peak learning rate, reached after ``warmupSteps``, then a cosine down to a tenth of it.
  public var learningRate = 3e-4
  public var warmupSteps = 100
  public var seed: UInt64 = 1
  /// A checkpoint folder every this many steps (and `final`); 0 for only the first and last.
  public var saveEvery = 200
  /// Validation loss every this many steps (and at the end).
  public var evalEvery = 100
  /// A `train.jsonl` line every this many steps.
  public var logEvery = 10
  /// Global gradient-norm clip.
  public var gradientClip = 1.0
  /// Transposes each training window by a random −5…+6 semitones (when every note stays in
  /// MIDI's range), so a model sees every key.
  public var transpose = false
  public var adamW = AdamWSettings()

  public init() {}

  enum CodingKeys: String, CodingKey {
    case config, steps, batch, seed, transpose
    case learningRate = "learning_rate"
    case warmupSteps = "warmup_steps"
    case saveEvery = "save_every"
    case evalEvery = "eval_every"
    case logEvery = "log_every"
    case gradientClip = "gradient_clip"
    case adamW = "adamw"
  }

  /// The learning rate at `step` (0-based): linear warm-up over ``warmupSteps`` (from
  /// lr/warmup), then a cosine from the peak to a tenth of it at the last step.
  public func learningRate(at step: Int) -> Double {
    let warmup = min(warmupSteps, max(1, steps / 10))
    if step < warmup { return learningRate * Double(step + 1) / Double(warmup) }
    let progress = Double(step - warmup) / Double(max(1, steps - warmup))
    let minimum = learningRate / 10
    return minimum + 0.5 * (learningRate - minimum) * (1 + cos(Double.pi * min(1, progress)))
  }

  public var problem: String? {
    if let p = config.problem { return p }
    if !(1...1_000_000).contains(steps) { return "--steps must be 1…1000000" }
    if !(1...512).contains(batch) { return "--batch must be 1…512" }
    if !(learningRate > 0 && learningRate < 1) { return "--lr must be between 0 and 1" }
    if saveEvery < 0 { return "--save-every must be 0 or more" }
    return nil
  }
}

/// The token streams a model learns from: a genre's train and validation ids.
public struct TrainingData: Sendable {
  public var vocabulary: EventVocabulary
  public var train: [UInt16]
  public var validation: [UInt16]
  /// The corpus's bigram entropy from its manifest.
  public var bigramEntropy: Double?

  public init(vocabulary: EventVocabulary, train: [UInt16], validation: [UInt16], bigramEntropy: Double? = nil) {
    self.bigramEntropy = bigramEntropy
    self.vocabulary = vocabulary
    self.train = train
    self.validation = validation
  }

  /// Reads what `corpus build` wrote for a genre.
  public static func load(genreFolder: String) throws -> TrainingData {
    func tokens(_ name: String) throws -> [UInt16] {
      guard let bytes = AtomicFile.read(genreFolder + "/" + name), bytes.count % 2 == 0 else {
        throw TrainingError.badData("\(genreFolder)/\(name): missing or odd-sized (run `eigentone corpus build`)")
      }
      return stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
    }
    guard let data = AtomicFile.read(genreFolder + "/manifest.json"),
      let manifest = try? JSONDecoder().decode(CorpusWriter.Manifest.self, from: Data(data))
    else { throw TrainingError.badData("\(genreFolder)/manifest.json: missing or unreadable (run `eigentone corpus build`)") }
    return TrainingData(
      vocabulary: manifest.vocabulary, train: try tokens("train.tokens"), validation: try tokens("validation.tokens"),
      bigramEntropy: manifest.summary.bigramEntropy)
  }
}

/// One logged step (a line of `train.jsonl`).
public struct TrainingLogLine: Sendable, Hashable, Codable {
  public var step: Int
  public var loss: Double
  public var valLoss: Double?
  public var lr: Double
  public var tokensPerSecond: Double

  enum CodingKeys: String, CodingKey {
    case step, loss, lr
    case valLoss = "val_loss"
    case tokensPerSecond = "tokens_per_second"
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(step, forKey: .step)
    try c.encode(loss, forKey: .loss)
    try c.encode(valLoss, forKey: .valLoss)  // null when not measured at this step
    try c.encode(lr, forKey: .lr)
    try c.encode(tokensPerSecond, forKey: .tokensPerSecond)
  }
}

/// Trains a model on a genre's tokens and writes its checkpoints.
///
/// `DIR/step-000000` is the initial model, `DIR/step-NNNNNN` the model after N updates,
/// `DIR/final` the last; `DIR/state/` holds the parameters, both AdamW moments and the step,
/// so `--resume` continues exactly where a run stopped (each batch is drawn from a generator
/// seeded by the seed and the step, not by what came before). `DIR/train.jsonl` logs a line
/// every ``TrainingSettings/logEvery`` steps.
public final class Trainer {
  public let settings: TrainingSettings
  public let data: TrainingData
  public let folder: String
  let model: GPT<Float>
  let optimizer: AdamW
  let T: Int
  var tokenBuffer: [Int32]
  var targetBuffer: [Int32]

  /// What the trainer reports as it goes (from the calling thread).
  public struct Progress: Sendable {
    public var step: Int
    public var steps: Int
    public var loss: Double
    public var valLoss: Double?
    public var tokensPerSecond: Double
  }

  public init(settings: TrainingSettings, data: TrainingData, folder: String) throws {
    if let problem = settings.problem { throw TrainingError.badSettings(problem) }
    guard settings.config.vocabulary == data.vocabulary.size else {
      throw TrainingError.badSettings("the model's vocabulary (\(settings.config.vocabulary)) is not the corpus's (\(data.vocabulary.size))")
    }
    T = settings.config.context
    guard data.train.count > T + 1 else { throw TrainingError.badData("the training split has \(data.train.count) tokens, fewer than one window of \(T + 1)") }
    self.settings = settings
    self.data = data
    self.folder = folder
    Linalg.stopThreadPool()  // one BLAS thread per part; the parts are the parallelism
    model = GPT<Float>(config: settings.config, maxBatch: settings.batch)
    optimizer = AdamW(layout: model.layout, settings: settings.adamW)
    tokenBuffer = [Int32](repeating: 0, count: settings.batch * T)
    targetBuffer = [Int32](repeating: 0, count: settings.batch * T)
  }

  var stateFolder: String { folder + "/state" }

  /// Runs the training from the start, or from `DIR/state` when `resume`; calls `progress`
  /// after every step. Returns the final validation loss.
  @discardableResult
  /// `stopAfter` ends the run early after that many steps, with its state saved and no
  /// `final` (as if it had been interrupted there), so `--resume` can be tested and runs split.
  public func run(resume: Bool, stopAfter: Int? = nil, progress: (Progress) -> Void = { _ in }) throws -> Double {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var start = 0
    var log: [String] = []
    let logPath = folder + "/train.jsonl"
    if resume {
      start = try loadState()
      if let text = AtomicFile.read(logPath) {
        log = String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init).filter { line in
          (try? JSONDecoder().decode(TrainingLogLine.self, from: Data(line.utf8)))?.step ?? Int.max <= start
        }
      }
    } else {
      model.initialize(seed: settings.seed)
      try save(step: 0)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var lastValidation = Double.nan
    var clock = Date()
    var tokensSinceClock = 0
    var rate = 0.0
    for step in start..<settings.steps {
      let lr = settings.learningRate(at: step)
      fillBatch(step: step)
      let loss = tokenBuffer.withUnsafeBufferPointer { t in
        targetBuffer.withUnsafeBufferPointer { y in
          model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: settings.batch, time: T) ?? .nan
        }
      }
      model.backward()
      let norm = optimizer.gradientNorm(model)
      let scale = norm > settings.gradientClip ? Float(settings.gradientClip / norm) : 1
      optimizer.step(model, t: step + 1, lr: lr, gradientScale: scale)
      tokensSinceClock += settings.batch * T
      let done = step + 1
      // Training speed only: the clock stops before a validation and restarts after it.
      let elapsed = Date().timeIntervalSince(clock)
      if elapsed > 0.5 || done == settings.steps || done % settings.evalEvery == 0 {
        rate = Double(tokensSinceClock) / max(elapsed, 1e-9)
        clock = Date()
        tokensSinceClock = 0
      }
      var valLoss: Double?
      if done % settings.evalEvery == 0 || done == settings.steps {
        valLoss = validationLoss()
        lastValidation = valLoss ?? .nan
        clock = Date()
      }
      if done % settings.logEvery == 0 || valLoss != nil || done == settings.steps {
        let line = TrainingLogLine(step: done, loss: Double(loss), valLoss: valLoss, lr: lr, tokensPerSecond: rate.rounded())
        log.append(String(decoding: try encoder.encode(line), as: UTF8.self))
        try AtomicFile.write(log.joined(separator: "\n") + "\n", to: logPath)
      }
      if settings.saveEvery > 0 && done % settings.saveEvery == 0 && done != settings.steps { try save(step: done) }
      progress(Progress(step: done, steps: settings.steps, loss: Double(loss), valLoss: valLoss, tokensPerSecond: rate))
      if let stopAfter, done >= stopAfter, done < settings.steps {
        try save(step: done, stateOnly: true)
        return lastValidation
      }
    }
    try save(step: settings.steps, final: true)
    return lastValidation.isNaN ? validationLoss() : lastValidation
  }

  /// Fills the batch with random windows of the training stream (and their next tokens),
  /// drawn from a generator seeded by the seed and the step.
  func fillBatch(step: Int) {
    var rng = SplitMix64(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(step))
    let n = data.train.count
    let vocabulary = data.vocabulary
    for row in 0..<settings.batch {
      let start = rng.below(n - T - 1)
      var shift = settings.transpose ? rng.int(-5...6) : 0
      if shift != 0 {
        for i in start...(start + T) {
          switch vocabulary.token(Int(data.train[i])) {
          case .noteOn(let p), .noteOff(let p): if !(0...127).contains(p + shift) { shift = 0 }
          default: break
          }
          if shift == 0 { break }
        }
      }
      for i in 0..<T {
        tokenBuffer[row * T + i] = Int32(Self.transposed(Int(data.train[start + i]), by: shift, vocabulary))
        targetBuffer[row * T + i] = Int32(Self.transposed(Int(data.train[start + i + 1]), by: shift, vocabulary))
      }
    }
  }

  static func transposed(_ id: Int, by shift: Int, _ v: EventVocabulary) -> Int {
    guard shift != 0 else { return id }
    switch v.token(id) {
    case .noteOn(let p): return v.id(.noteOn(p + shift))
    case .noteOff(let p): return v.id(.noteOff(p + shift))
    default: return id
    }
  }

  /// Mean loss over the validation stream in consecutive, non-overlapping windows.
  public func validationLoss() -> Double {
    Evaluation.meanLoss(model: model, stream: data.validation.map(Int.init), batch: settings.batch)
  }

  // MARK: - Checkpoints and state

  func save(step: Int, final: Bool = false, stateOnly: Bool = false) throws {
    let parameters = model.parameters
    let name = final ? "final" : String(format: "step-%06d", step)
    if !stateOnly {
      try ModelFolder.write(parameters: parameters, layout: model.layout, config: settings.config, vocabulary: data.vocabulary, to: folder + "/" + name)
    }
    if final, step % max(1, settings.saveEvery) == 0 || settings.saveEvery == 0 {
      // `final` is also kept under its step number, so a listing of step folders is complete.
      try ModelFolder.write(
        parameters: parameters, layout: model.layout, config: settings.config, vocabulary: data.vocabulary,
        to: folder + "/" + String(format: "step-%06d", step))
    }
    // The state to resume from.
    try FileManager.default.createDirectory(atPath: stateFolder, withIntermediateDirectories: true)
    let (m, v) = optimizer.moments
    var writer = ModelFolder.tensors(parameters, layout: model.layout, prefix: "")
    writer.entries += ModelFolder.tensors(m, layout: model.layout, prefix: "adamw.m.").entries
    writer.entries += ModelFolder.tensors(v, layout: model.layout, prefix: "adamw.v.").entries
    try writer.write(to: stateFolder + "/state.safetensors")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let state = SavedState(step: step, settings: settings)
    try AtomicFile.write(Array(try encoder.encode(state)), to: stateFolder + "/trainer.json")
  }

  struct SavedState: Codable {
    var step: Int
    var settings: TrainingSettings
  }

  /// Loads `DIR/state`; returns the step to continue from.
  func loadState() throws -> Int {
    guard let bytes = AtomicFile.read(stateFolder + "/trainer.json"), let state = try? JSONDecoder().decode(SavedState.self, from: Data(bytes)) else {
      throw TrainingError.badData("\(stateFolder)/trainer.json: nothing to resume (train without --resume first)")
    }
    guard state.settings.config == settings.config, state.settings.seed == settings.seed, state.settings.batch == settings.batch else {
      throw TrainingError.badSettings("--resume: the model shape, seed and batch must be the run's (\(stateFolder)/trainer.json)")
    }
    let path = stateFolder + "/state.safetensors"
    model.parameters = try ModelFolder.read(path, layout: model.layout)
    optimizer.moments = (try ModelFolder.read(path, layout: model.layout, prefix: "adamw.m."), try ModelFolder.read(path, layout: model.layout, prefix: "adamw.v."))
    return state.step
  }
}

/// Losses of a model on token streams.
public enum Evaluation {
  /// Mean cross-entropy (nats/token) of `stream` in consecutive non-overlapping windows of the
  /// context plus one (each window predicts its tokens after its first from those before).
  static func meanLoss(model: GPT<Float>, stream: [Int], batch: Int) -> Double {
    let T = model.config.context
    let windows = stream.count / (T + 1)
    guard windows > 0 else { return .nan }
    var total = 0.0
    var count = 0
    var w = 0
    var tokens = [Int32](repeating: 0, count: batch * T), targets = tokens
    while w < windows {
      let rows = min(batch, windows - w)
      for r in 0..<rows {
        let start = (w + r) * (T + 1)
        for i in 0..<T {
          tokens[r * T + i] = Int32(stream[start + i])
          targets[r * T + i] = Int32(stream[start + i + 1])
        }
      }
      let loss = tokens.withUnsafeBufferPointer { t in
        targets.withUnsafeBufferPointer { y in model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: rows, time: T) ?? .nan }
      }
      total += Double(loss) * Double(rows * T)
      count += rows * T
      w += rows
    }
    return total / Double(count)
  }

  /// The summed loss and the number of predictions of one sequence, in consecutive
  /// non-overlapping windows of the context length (`eigentone evaluate`'s rule: a window
  /// predicts its tokens after its first).
  public static func sequenceLoss(model: GPT<Float>, ids: [Int]) -> (sum: Double, count: Int) {
    let T = model.config.context
    var sum = 0.0, count = 0
    var start = 0
    while start < ids.count - 1 {
      let window = Array(ids[start..<min(ids.count, start + T)])
      start += T
      guard window.count >= 2 else { break }
      let n = window.count - 1
      let tokens = window.prefix(n).map { Int32($0) }, targets = window.dropFirst().map { Int32($0) }
      let loss = tokens.withUnsafeBufferPointer { t in
        targets.withUnsafeBufferPointer { y in model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 1, time: n) ?? .nan }
      }
      sum += Double(loss) * Double(n)
      count += n
    }
    return (sum, count)
  }
}
