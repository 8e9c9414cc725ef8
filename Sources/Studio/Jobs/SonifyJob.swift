public import Foundation
import Analysis
import Checkpoint
import Inference
import Tokenizer
import Score
public import Sonify
import Theory

/// `POST /api/sonify`: a prompt run through the model, its hidden states as music, with the
/// word timings the page highlights.
public struct SonifyJob: StudioJob {
  public static let kind = "sonify"
  /// Longest prompt accepted, in UTF-8 bytes (the command line's limit too).
  public static let maxPromptBytes = 4096
  /// Most tokens a prompt may have: attention is quadratic and every token is a voice.
  public static let maxTokens = 512

  public var prompt: String
  public var model: String
  public var mode: Sonification.Mode
  public var key: String?
  /// BPM, 20…400; 72 lets a listener follow the words.
  public var tempo: Double
  public var renderer: RendererChoice

  public init(prompt: String, model: String, mode: Sonification.Mode = .words, key: String? = nil, tempo: Double = 72, renderer: RendererChoice = .fluidsynth) {
    self.prompt = prompt
    self.model = model
    self.mode = mode
    self.key = key
    self.tempo = tempo
    self.renderer = renderer
  }

  enum CodingKeys: String, CodingKey { case prompt, model, mode, key, tempo, renderer }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    prompt = try c.decode(String.self, forKey: .prompt)
    model = try c.decodeIfPresent(String.self, forKey: .model) ?? ModelResolver.defaultModelName
    mode = try c.decodeIfPresent(Sonification.Mode.self, forKey: .mode) ?? .words
    key = try c.decodeIfPresent(String.self, forKey: .key).flatMap { $0.isEmpty ? nil : $0 }
    tempo = try c.decodeIfPresent(Double.self, forKey: .tempo) ?? 72
    renderer = try c.decodeIfPresent(RendererChoice.self, forKey: .renderer) ?? .fluidsynth
  }

  public func validate(_ workbench: Workbench) throws(StudioError) {
    guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .badRequest("the prompt is empty") }
    guard prompt.utf8.count <= Self.maxPromptBytes else { throw .tooLarge("the prompt is longer than \(Self.maxPromptBytes) bytes") }
    let entry = try workbench.catalog.entry(model)
    guard entry.canSonify else { throw .badRequest("\(model) is a \(entry.family) model; sonify runs decoders (Llama family, GPT-2)") }
    try Check.key(key)
    try Check.tempo(tempo)
  }

  public func run(_ workbench: Workbench, folder: URL, progress: JobProgress) throws -> JobResult {
    try progress.stage("loading \(model)", at: 0)
    let language = try workbench.languageModel(model)
    let tokenizer = try workbench.tokenizer(model)
    let tokens = tokenizer.encode(prompt)
    guard tokens.count <= Self.maxTokens else { throw StudioError.tooLarge("the prompt has \(tokens.count) tokens; sonify takes at most \(Self.maxTokens)") }
    try progress.stage("fitting the activation map", at: 0.1)
    let map = try workbench.activationMap(model) { d, t in progress.update(d, of: t, from: 0.1, to: 0.6) }
    try progress.stage("running the prompt", at: 0.6)
    let pass = try language.forward(tokens)
    let chosen: Key
    if let key, let parsed = Key(parsing: key) {
      chosen = parsed
    } else {
      try progress.stage("reading the portrait", at: 0.65)
      chosen = Sonification.key(suggestedBy: try workbench.portrait(model))
    }
    try progress.stage("composing", at: 0.7)
    let sonification = Sonification(key: chosen, tempo: tempo)
    let (score, words) = try sonification.score(mode, pass: pass, map: map, tokenizer: tokenizer, prompt: prompt)
    try renderer.check(score)
    var files = try writeScore(score, in: folder)
    try writeJSON(words, "timing.json", in: folder)
    files["timing"] = "timing.json"
    try progress.stage("rendering with \(renderer.rawValue)", at: 0.75)
    try writeAudio(score, "audio.flac", renderer: renderer, reverb: nil, workbench: workbench, in: folder)
    files["audio"] = "audio.flac"
    let notes = score.tracks.reduce(0) { $0 + $1.notes.count }
    return JobResult(
      files: files,
      summary: "sonify \(mode.rawValue): \(tokens.count) tokens, \(words.count) words, key \(chosen), \(notes) notes",
      facts: ["mode": mode.rawValue, "key": "\(chosen)", "tokens": "\(tokens.count)", "words": "\(words.count)", "notes": "\(notes)"])
  }
}
