import Foundation
public import MusicTokens
import Render
import Score
import ScoreReaders
public import Training

/// Where a trained model is: a model folder, or a training folder (its `final`).
public enum TrainedModel {
  public static func folder(_ path: String) -> String {
    let fm = FileManager.default
    if !fm.fileExists(atPath: path + "/" + ModelFolder.configFile) && fm.fileExists(atPath: path + "/final/" + ModelFolder.configFile) {
      return path + "/final"
    }
    return path
  }

  public static func load(_ path: String) throws(PipelineError) -> (GPT<Float>, EventVocabulary) {
    do { return try ModelFolder.load(folder(path)) } catch { throw .badRequest("\(error)") }
  }
}

/// `eigentone sample`: a piece drawn from a trained model.
public struct SampleRequest: PipelineRequest {
  public static let kind = "sample"

  public var model: String
  public var settings: SampleSettings
  /// A MIDI (or any score) file to continue.
  public var prompt: String?
  public var audio: AudioSettings
  public var outputs: ScoreOutputs

  public init(model: String, settings: SampleSettings, prompt: String?, audio: AudioSettings = AudioSettings(), outputs: ScoreOutputs) {
    self.model = model
    self.settings = settings
    self.prompt = prompt
    self.audio = audio
    self.outputs = outputs
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    guard (0.5...3600).contains(settings.seconds) else { throw .badRequest("--seconds must be 0.5…3600") }
    guard settings.temperature > 0 && settings.temperature <= 10 else { throw .badRequest("--temperature must be above 0 and at most 10") }
    guard settings.topK >= 0 else { throw .badRequest("--top-k must be 0 (off) or more") }
    if let p = settings.topP, !(p > 0 && p <= 1) { throw .badRequest("--top-p must be above 0 and at most 1") }
    try Check.tempo(settings.tempo)
    _ = try TrainedModel.load(model)
    try audio.validate(paths: outputs.audio)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let (gpt, vocabulary) = try TrainedModel.load(model)
    let tokenizer = ScoreTokenizer(vocabulary: vocabulary)
    var promptIDs: [Int] = []
    if let prompt {
      let (piece, _) = try MusicInput.piece(prompt, tune: nil)
      promptIDs = tokenizer.encode(piece.score)
      if promptIDs.last == EventVocabulary.eos { promptIDs.removeLast() }
    }
    try progress.stage("sampling", at: 0)
    let ids = Sampler.sample(model: gpt, vocabulary: vocabulary, prompt: promptIDs, settings: settings)
    let title = "Sampled from \((TrainedModel.folder(model) as NSString).lastPathComponent), seed \(settings.seed)"
    let score = tokenizer.score(ids, title: title, bpm: settings.tempo)
    try ScoreWriter.check(score, outputs, audio: audio)
    if outputs.rendersAudio { try progress.stage("rendering with \(audio.renderer.rawValue)", at: 0.7) }
    let report = try ScoreWriter.write(score, to: outputs, audio: audio, models: models)
    let notes = score.tracks.reduce(0) { $0 + $1.notes.count }
    let seconds = score.seconds(atBeat: score.length)
    return PipelineResult(
      files: outputs.files(), summary: String(format: "%d tokens, %d notes, %.1f s", ids.count, notes, seconds),
      facts: ["tokens": "\(ids.count)", "notes": "\(notes)"], audio: report)
  }
}

/// `eigentone evaluate`: a model's mean loss on score files.
public struct EvaluateRequest: Sendable {
  public var model: String
  public var files: [String]

  public init(model: String, files: [String]) {
    self.model = model
    self.files = files
  }

  public struct FileLoss: Sendable, Codable {
    public var file: String
    public var loss: Double
    public var tokens: Int
  }

  public struct Result: Sendable, Codable {
    /// Mean nats per predicted token over every file.
    public var loss: Double
    /// Predicted tokens.
    public var tokens: Int
    public var files: [FileLoss]
  }

  public func run() throws(PipelineError) -> Result {
    guard !files.isEmpty else { throw .badRequest("give at least one score file") }
    let (gpt, vocabulary) = try TrainedModel.load(model)
    let tokenizer = ScoreTokenizer(vocabulary: vocabulary)
    var out: [FileLoss] = []
    var sum = 0.0, count = 0
    for file in files {
      let (piece, _) = try MusicInput.piece(file, tune: nil)
      let ids = tokenizer.encode(piece.score)
      let (s, n) = Evaluation.sequenceLoss(model: gpt, ids: ids)
      out.append(FileLoss(file: file, loss: n > 0 ? s / Double(n) : .nan, tokens: n))
      sum += s
      count += n
    }
    return Result(loss: count > 0 ? sum / Double(count) : .nan, tokens: count, files: out)
  }
}
