public import Foundation
import Analysis
import Checkpoint
import Compose
import Score
import Theory

/// `POST /api/compose`: a piece in a genre from a model's weights, as MIDI, audio, provenance
/// and a piano roll.
public struct ComposeJob: StudioJob {
  public static let kind = "compose"

  public var model: String
  public var genre: String
  public var renderer: RendererChoice
  /// Overrides the key the model suggests ("D dorian").
  public var key: String?
  /// Overrides the preset's tempo, BPM (20…400).
  public var tempo: Double?

  public init(model: String, genre: String, renderer: RendererChoice = .fluidsynth, key: String? = nil, tempo: Double? = nil) {
    self.model = model
    self.genre = genre
    self.renderer = renderer
    self.key = key
    self.tempo = tempo
  }

  enum CodingKeys: String, CodingKey { case model, genre, renderer, key, tempo }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    model = try c.decodeIfPresent(String.self, forKey: .model) ?? ModelResolver.defaultModelName
    genre = try c.decode(String.self, forKey: .genre)
    renderer = try c.decodeIfPresent(RendererChoice.self, forKey: .renderer) ?? .fluidsynth
    key = try c.decodeIfPresent(String.self, forKey: .key).flatMap { $0.isEmpty ? nil : $0 }
    tempo = try c.decodeIfPresent(Double.self, forKey: .tempo)
  }

  public func validate(_ workbench: Workbench) throws(StudioError) {
    try Check.model(model, workbench)
    _ = try Check.genre(genre)
    try Check.key(key)
    try Check.tempo(tempo)
  }

  public func run(_ workbench: Workbench, folder: URL, progress: JobProgress) throws -> JobResult {
    let composerType = try Check.genre(genre)
    try progress.stage(workbench.hasPortrait(model) ? "loading the portrait" : "analysing \(model)", at: 0)
    let portrait = try workbench.portrait(model) { done, total, _ in progress.update(done, of: total, from: 0, to: 0.5) }
    try progress.stage("composing", at: 0.5)
    let preset = try PresetLibrary.standard(environment: workbench.environment).preset(for: composerType.genre)
    let context = CompositionContext(portrait: portrait, preset: preset, key: key.flatMap(Key.init(parsing:)), tempo: tempo)
    let score = try composerType.init().compose(context)
    try renderer.check(score)
    var files = try writeScore(score, in: folder)
    try progress.stage("rendering with \(renderer.rawValue)", at: 0.6)
    try writeAudio(score, "audio.flac", renderer: renderer, reverb: preset.reverb, workbench: workbench, in: folder)
    files["audio"] = "audio.flac"
    let notes = score.tracks.reduce(0) { $0 + $1.notes.count }
    let seconds = score.seconds(atBeat: score.length)
    return JobResult(
      files: files,
      summary: "\(composerType.genre): key \(context.key), tempo \(Int(context.tempo.rounded())) BPM, \(notes) notes in \(score.tracks.count) parts, \(Int(seconds.rounded())) s",
      facts: ["genre": composerType.genre, "key": "\(context.key)", "tempo": "\(context.tempo)", "notes": "\(notes)", "parts": "\(score.tracks.count)"])
  }
}
