public import Foundation
import Analysis
import Compare
import Compose
import Score

/// `POST /api/compare`: what changed between two models, ranked, and the same genre composed
/// from both (in A's key and tempo, so only the weights differ) to play one after the other.
public struct CompareJob: StudioJob {
  public static let kind = "compare"

  public var a: String
  public var b: String
  /// The genre both pieces are composed in (default acid: short, and every layer is heard).
  public var genre: String
  public var renderer: RendererChoice

  public init(a: String, b: String, genre: String = "acid", renderer: RendererChoice = .fluidsynth) {
    self.a = a
    self.b = b
    self.genre = genre
    self.renderer = renderer
  }

  enum CodingKeys: String, CodingKey { case a, b, genre, renderer }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    a = try c.decode(String.self, forKey: .a)
    b = try c.decode(String.self, forKey: .b)
    genre = try c.decodeIfPresent(String.self, forKey: .genre) ?? "acid"
    renderer = try c.decodeIfPresent(RendererChoice.self, forKey: .renderer) ?? .fluidsynth
  }

  public func validate(_ workbench: Workbench) throws(StudioError) {
    try Check.model(a, workbench)
    try Check.model(b, workbench)
    _ = try Check.genre(genre)
  }

  public func run(_ workbench: Workbench, folder: URL, progress: JobProgress) throws -> JobResult {
    let composer = try Check.genre(genre)
    try progress.stage("analysing \(a)", at: 0)
    let pa = try workbench.portrait(a) { d, t, _ in progress.update(d, of: t, from: 0, to: 0.25) }
    try progress.stage("analysing \(b)", at: 0.25)
    let pb = try workbench.portrait(b) { d, t, _ in progress.update(d, of: t, from: 0.25, to: 0.5) }
    try progress.stage("comparing tensors", at: 0.5)
    let comparison = try Comparison.compare(try workbench.checkpoint(a), try workbench.checkpoint(b), portraits: (pa, pb)) { d, t in
      progress.update(d, of: t, from: 0.5, to: 0.7)
    }
    try writeJSON(comparison, "comparison.json", in: folder)
    var files = ["comparison": "comparison.json"]
    try progress.stage("composing", at: 0.7)
    let preset = try PresetLibrary.standard(environment: workbench.environment).preset(for: composer.genre)
    let contextA = CompositionContext(portrait: pa, preset: preset)
    let scoreA = try composer.init().compose(contextA)
    let scoreB = try composer.init().compose(CompositionContext(portrait: pb, preset: preset, key: contextA.key, tempo: contextA.tempo))
    try renderer.check(scoreA)
    files.merge(try writeScore(scoreA, prefix: "a_", in: folder)) { x, _ in x }
    files.merge(try writeScore(scoreB, prefix: "b_", in: folder)) { x, _ in x }
    try progress.stage("rendering A", at: 0.75)
    try writeAudio(scoreA, "a_audio.flac", renderer: renderer, reverb: preset.reverb, workbench: workbench, in: folder)
    try progress.stage("rendering B", at: 0.87)
    try writeAudio(scoreB, "b_audio.flac", renderer: renderer, reverb: preset.reverb, workbench: workbench, in: folder)
    files["a_audio"] = "a_audio.flac"
    files["b_audio"] = "b_audio.flac"
    let top = comparison.ranking.first
    return JobResult(
      files: files,
      summary: "\(comparison.ranking.count) tensors compared; most changed: \(top?.tensor ?? "-")",
      facts: ["genre": composer.genre, "key": "\(contextA.key)", "matched": "\(comparison.ranking.count)", "only_in_a": "\(comparison.only_in_a.count)", "only_in_b": "\(comparison.only_in_b.count)"])
  }
}
