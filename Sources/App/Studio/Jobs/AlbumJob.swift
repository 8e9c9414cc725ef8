public import Foundation
public import Pipeline
public import Render
import Checkpoint

/// `POST /api/album` `{"piece": "solo"|"contrast"|"dialogue", "prompt", "prompt_b", "model",
/// "renderer"}`: an ``AlbumRequest`` along the default harmful − harmless direction (measured
/// once per model and kept by the server), writing the score files, `audio.flac`,
/// `album.json` (the readings) and, for a solo, `heatmap.svg`.
public struct AlbumJob: StudioJob {
  public enum Piece: String, Sendable, Codable { case solo, contrast, dialogue }

  public var piece: Piece
  public var prompt: String
  public var promptB: String?
  public var model: String
  public var renderer: RendererChoice

  public init(piece: Piece, prompt: String, promptB: String? = nil, model: String, renderer: RendererChoice = .fluidsynth) {
    self.piece = piece
    self.prompt = prompt
    self.promptB = promptB
    self.model = model
    self.renderer = renderer
  }

  enum CodingKeys: String, CodingKey {
    case piece, prompt, model, renderer
    case promptB = "prompt_b"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    piece = try c.decodeIfPresent(Piece.self, forKey: .piece) ?? .solo
    prompt = try c.decodeIfPresent(String.self, forKey: .prompt) ?? ""
    promptB = try c.decodeIfPresent(String.self, forKey: .promptB)
    model = try c.decodeIfPresent(String.self, forKey: .model) ?? ModelResolver.defaultModelName
    renderer = try c.decodeIfPresent(RendererChoice.self, forKey: .renderer) ?? .fluidsynth
  }

  public func request(in folder: URL, context: JobContext) throws(PipelineError) -> AlbumRequest {
    let which: AlbumRequest.Piece
    switch piece {
    case .solo: which = .solo(prompt)
    case .contrast:
      guard let promptB, !promptB.isEmpty else { throw .badRequest("a contrast needs prompt_b") }
      which = .contrast(prompt, promptB)
    case .dialogue: which = .dialogue
    }
    return AlbumRequest(
      model: model, piece: which, positive: try PromptSet.harmful(), negative: try PromptSet.harmless(), outputs: .studio(in: folder),
      json: folder.appendingPathComponent("album.json").path, heatmap: piece == .solo ? folder.appendingPathComponent("heatmap.svg").path : nil,
      audio: AudioSettings(renderer: renderer, bitDepth: Limits.studioBitDepth))
  }
}
