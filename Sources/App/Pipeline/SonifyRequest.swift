import Tokenizer
import Render
import Inference
import Analysis
import Score
public import Sonify
public import Theory
import Foundation
import Inside

/// `eigentone sonify` and `POST /api/sonify`: a prompt run through the model, its hidden
/// states as music, with the word timings the page highlights.
public struct SonifyRequest: PipelineRequest {
  public static let kind = "sonify"

  /// The reference sentences the activation map is fitted on.
  public enum Corpus: Sendable, Hashable {
    /// WordNet's example sentences, the first `count` (``Limits/corpusSize``).
    case wordNet(count: Int)
    /// A file's non-empty lines, the first `count`.
    case file(String, count: Int)

    var count: Int {
      switch self {
      case .wordNet(let count), .file(_, let count): count
      }
    }

    /// The sentences.
    func sentences() throws -> [String] {
      switch self {
      case .wordNet(let count): try Sonify.Corpus.wordNet(count: count)
      case .file(let path, let count): Array(try Sonify.Corpus.lines(of: path).prefix(count))
      }
    }
  }

  public var prompt: String
  public var model: String
  public var mode: Sonification.Mode
  /// Overrides the key the model's weights suggest.
  public var key: Key?
  /// BPM (``Limits/tempo``).
  public var tempo: Double
  public var corpus: Corpus
  public var audio: AudioSettings
  public var outputs: ScoreOutputs
  /// The word timings (JSON: word, onset and duration in seconds).
  public var timing: String?

  public init(
    prompt: String, model: String, mode: Sonification.Mode = .words, key: Key? = nil, tempo: Double = Limits.sonifyTempo,
    corpus: Corpus = .wordNet(count: Limits.defaultCorpusSize), audio: AudioSettings = AudioSettings(), outputs: ScoreOutputs, timing: String? = nil
  ) {
    self.prompt = prompt
    self.model = model
    self.mode = mode
    self.key = key
    self.tempo = tempo
    self.corpus = corpus
    self.audio = audio
    self.outputs = outputs
    self.timing = timing
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try Check.prompt(prompt)
    try models.checkRunnable(model)
    try Check.tempo(tempo)
    try Check.corpusSize(corpus.count)
    try audio.validate(paths: outputs.audio)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try progress.stage("loading \(model)", at: 0)
    let tokenizer = try models.tokenizer(model)
    let tokens = tokenizer.encode(prompt)
    guard tokens.count <= Limits.promptTokens else {
      throw PipelineError.tooLarge("the prompt has \(tokens.count) tokens; sonify takes at most \(Limits.promptTokens)")
    }
    let chosen: Key
    if let key {
      chosen = key
    } else {
      try progress.stage("reading the portrait", at: 0.05)
      chosen = Sonification.key(suggestedBy: try models.portrait(model, options: .init(), useCache: true, progress: nil))
    }
    let sonification = Sonification(key: chosen, tempo: tempo)
    let score: Score
    let words: [Sonification.Word]
    if mode == .lens {
      // The lens needs no activation map: the model's own final norm and unembedding read it.
      try progress.stage("running the prompt", at: 0.1)
      let lm = try models.languageModel(model)
      let pass = try lm.forward(tokens)
      try progress.stage("reading the logit lens", at: 0.4)
      let lens = try LogitLens(model: lm, pass: pass) { progress.update($0, of: pass.layerCount, from: 0.4, to: 0.7, item: "layer \($0)") }
      try progress.stage("composing", at: 0.7)
      (score, words) = try sonification.lens(lens, tokenizer: tokenizer, tokens: tokens, prompt: prompt)
    } else {
      try progress.stage("fitting the activation map", at: 0.1)
      let map = try models.activationMap(model, corpus: try corpus.sentences()) { d, t in progress.update(d, of: t, from: 0.1, to: 0.6, item: "") }
      try progress.stage("running the prompt", at: 0.6)
      // One pass, decoded as it goes: the same arithmetic on both front ends and run after run
      // (the preloaded model, whose packed kernels round differently, only fits the map).
      let pass = try LanguageModel(checkpoint: try models.checkpoint(model)).forward(tokens)
      try progress.stage("composing", at: 0.7)
      (score, words) = try sonification.score(mode, pass: pass, map: map, tokenizer: tokenizer, prompt: prompt)
    }
    try ScoreWriter.check(score, outputs, audio: audio)
    if let timing { try ScoreWriter.writeJSON(words, to: timing, pretty: true) }
    if outputs.rendersAudio { try progress.stage("rendering with \(audio.renderer.rawValue)", at: 0.75) }
    let report = try ScoreWriter.write(score, to: outputs, audio: audio, models: models)
    let notes = score.writtenNoteCount
    var files = outputs.files()
    if let timing { files["timing"] = timing }
    return PipelineResult(
      files: files,
      summary: "sonify \(mode.rawValue): \(tokens.count) tokens, \(words.count) words, key \(chosen), \(notes) notes, "
        + String(format: "%.1f s", score.seconds(atBeat: score.length)),
      facts: ["mode": mode.rawValue, "key": "\(chosen)", "tokens": "\(tokens.count)", "words": "\(words.count)", "notes": "\(notes)"],
      audio: report)
  }
}
