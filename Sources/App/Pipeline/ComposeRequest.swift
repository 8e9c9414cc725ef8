import Render
import Analysis
public import Compose
public import Score
public import Theory

/// `eigentone compose` and `POST /api/compose`: a piece in a genre from a model's weights.
public struct ComposeRequest: PipelineRequest {
  public static let kind = "compose"

  public var model: String
  public var composer: any Composer.Type
  /// Overrides the key the model suggests.
  public var key: Key?
  /// Overrides the preset's tempo, BPM (``Limits/tempo``).
  public var tempo: Double?
  /// A preset file to use instead of the genre's bundled one.
  public var presetPath: String?
  /// Read and store the portrait in the cache (off: analyse afresh, store nothing).
  public var useCache: Bool
  public var audio: AudioSettings
  public var outputs: ScoreOutputs

  public init(
    model: String, composer: any Composer.Type, key: Key? = nil, tempo: Double? = nil, presetPath: String? = nil, useCache: Bool = true,
    audio: AudioSettings = AudioSettings(), outputs: ScoreOutputs
  ) {
    self.model = model
    self.composer = composer
    self.key = key
    self.tempo = tempo
    self.presetPath = presetPath
    self.useCache = useCache
    self.audio = audio
    self.outputs = outputs
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.check(model)
    try Check.tempo(tempo)
    try audio.validate(paths: outputs.audio)
  }

  /// The score and what it was composed from, without writing anything.
  public func compose(_ models: any ModelSource, progress: any PipelineProgress) throws -> (score: Score, context: CompositionContext) {
    let options = AnalysisOptions()
    try progress.stage(models.hasPortrait(model, options: options) ? "loading the portrait" : "analysing \(model)", at: 0)
    let portrait = try models.portrait(model, options: options, useCache: useCache) { done, total, name in
      progress.update(done, of: total, from: 0, to: 0.5, item: name)
    }
    try progress.stage("composing", at: 0.5)
    let preset = try presetPath.map { try Preset.load(path: $0) } ?? models.presets.preset(for: composer.genre)
    let context = CompositionContext(portrait: portrait, preset: preset, key: key, tempo: tempo)
    return (try composer.init().compose(context), context)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let (score, context) = try compose(models, progress: progress)
    try ScoreWriter.check(score, outputs, audio: audio)
    if outputs.rendersAudio { try progress.stage("rendering with \(audio.renderer.rawValue)", at: 0.6) }
    let report = try ScoreWriter.write(score, to: outputs, audio: audio, models: models, reverb: context.preset.reverb)
    let notes = score.writtenNoteCount
    let seconds = score.seconds(atBeat: score.length)
    return PipelineResult(
      files: outputs.files(),
      summary: "\(composer.genre): key \(context.key), tempo \(context.tempo.plain) BPM, \(notes) notes in \(score.tracks.count) parts, \(Int(seconds.rounded())) s",
      facts: ["genre": composer.genre, "key": "\(context.key)", "tempo": context.tempo.plain, "notes": "\(notes)", "parts": "\(score.tracks.count)"],
      audio: report)
  }
}

extension Score {
  /// Notes as the MIDI file holds them (overlapping repeats of a pitch merged), the count every
  /// summary gives.
  public var writtenNoteCount: Int { tracks.reduce(0) { $0 + $1.writtenNotes().count } }
}
