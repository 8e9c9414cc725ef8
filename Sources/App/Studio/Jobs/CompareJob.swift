public import Foundation
import Compose
public import Pipeline
public import Render

/// `POST /api/compare` `{"a", "b", "genre", "renderer"}`: a ``CompareRequest`` writing
/// `comparison.json`, and A's and B's pieces in the genre (`a_score.mid`, `a_audio.flac`, ...).
public struct CompareJob: StudioJob {
  /// The genre both pieces are composed in unless the request names one: short, and every
  /// layer is heard.
  public static let defaultGenre = "acid"

  public var a: String
  public var b: String
  public var genre: String
  public var renderer: RendererChoice

  public init(a: String, b: String, genre: String = CompareJob.defaultGenre, renderer: RendererChoice = .fluidsynth) {
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
    genre = try c.decodeIfPresent(String.self, forKey: .genre) ?? Self.defaultGenre
    renderer = try c.decodeIfPresent(RendererChoice.self, forKey: .renderer) ?? .fluidsynth
  }

  public func request(in folder: URL, context: JobContext) throws(PipelineError) -> CompareRequest {
    CompareRequest(
      a: a, b: b, comparisonJSON: folder.appendingPathComponent("comparison.json").path,
      ab: .studio(in: folder, composer: try Check.genre(genre, in: context.genres)), audio: AudioSettings(renderer: renderer, bitDepth: Limits.studioBitDepth))
  }
}
