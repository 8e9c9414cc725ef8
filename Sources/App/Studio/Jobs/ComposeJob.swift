public import Foundation
import Compose
public import Pipeline
public import Render
import Checkpoint

/// `POST /api/compose` `{"model", "genre", "renderer", "key", "tempo"}`: a
/// ``ComposeRequest`` writing `score.mid`, `provenance.json`, `roll.json` and `audio.flac`.
public struct ComposeJob: StudioJob {
  public var model: String
  public var genre: String
  public var renderer: RendererChoice
  /// Overrides the key the model suggests ("D dorian").
  public var key: String?
  /// Overrides the preset's tempo, BPM.
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
    key = try c.decodeIfPresent(String.self, forKey: .key)
    tempo = try c.decodeIfPresent(Double.self, forKey: .tempo)
  }

  public func request(in folder: URL, context: JobContext) throws(PipelineError) -> ComposeRequest {
    ComposeRequest(
      model: model, composer: try Check.genre(genre, in: context.genres), key: try Check.key(key), tempo: tempo,
      audio: AudioSettings(renderer: renderer, bitDepth: Limits.studioBitDepth), outputs: .studio(in: folder))
  }
}
