public import Foundation
import Compose
public import Pipeline
public import Render
public import Sonify
import Checkpoint

/// `POST /api/sonify` `{"prompt", "model", "mode", "key", "tempo", "renderer"}`: a
/// ``SonifyRequest`` writing the score files, `timing.json` and `audio.flac`; the activation
/// map is fitted on the server's reference corpus (`serve --corpus-size`).
public struct SonifyJob: StudioJob {
  public var prompt: String
  public var model: String
  public var mode: Sonification.Mode
  public var key: String?
  /// BPM.
  public var tempo: Double
  public var renderer: RendererChoice

  public init(
    prompt: String, model: String, mode: Sonification.Mode = .words, key: String? = nil, tempo: Double = Limits.sonifyTempo, renderer: RendererChoice = .fluidsynth
  ) {
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
    key = try c.decodeIfPresent(String.self, forKey: .key)
    tempo = try c.decodeIfPresent(Double.self, forKey: .tempo) ?? Limits.sonifyTempo
    renderer = try c.decodeIfPresent(RendererChoice.self, forKey: .renderer) ?? .fluidsynth
  }

  public func request(in folder: URL, context: JobContext) throws(PipelineError) -> SonifyRequest {
    SonifyRequest(
      prompt: prompt, model: model, mode: mode, key: try Check.key(key), tempo: tempo, corpus: .wordNet(count: context.corpusSize),
      audio: AudioSettings(renderer: renderer, bitDepth: Limits.studioBitDepth), outputs: .studio(in: folder),
      timing: folder.appendingPathComponent("timing.json").path)
  }
}
