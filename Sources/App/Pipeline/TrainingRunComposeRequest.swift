import Compose
import Foundation
import Render
public import Score
import Theory
import Training

/// `eigentone compose GENRE --checkpoints DIR`: one piece with a section per checkpoint of a
/// training run, in training order, each composed from that checkpoint's weights by the
/// genre's usual mapping and marked "step N": the sound of the weights organising themselves.
public struct TrainingRunComposeRequest: PipelineRequest {
  public static let kind = "compose-checkpoints"

  /// The training folder (`eigentone train -o DIR`).
  public var folder: String
  /// The request for one checkpoint (its `model` is replaced by each checkpoint's folder).
  public var compose: ComposeRequest

  public init(folder: String, compose: ComposeRequest) {
    self.folder = folder
    self.compose = compose
  }

  /// The checkpoint folders in training order, with their steps: `step-NNNNNN`, then `final`
  /// when no step folder holds the same model.
  public static func checkpoints(in folder: String) throws(PipelineError) -> [(step: Int, path: String)] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
      throw .badRequest("\(folder): not a folder (give the folder `eigentone train -o` wrote)")
    }
    var found: [(Int, String)] = []
    for name in names where name.hasPrefix("step-") {
      guard let step = Int(name.dropFirst(5)), FileManager.default.fileExists(atPath: "\(folder)/\(name)/\(ModelFolder.configFile)") else { continue }
      found.append((step, "\(folder)/\(name)"))
    }
    found.sort { $0.0 < $1.0 }
    let final = folder + "/final"
    if FileManager.default.fileExists(atPath: final + "/" + ModelFolder.weightsFile),
      found.last.map({ FileManager.default.contents(atPath: $0.1 + "/" + ModelFolder.weightsFile) != FileManager.default.contents(atPath: final + "/" + ModelFolder.weightsFile) })
        ?? true
    {
      found.append(((found.last?.0 ?? 0) + 1, final))
    }
    guard found.count >= 2 else { throw .badRequest("\(folder): fewer than two checkpoints (step-NNNNNN folders)") }
    return found
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    _ = try Self.checkpoints(in: folder)
    try Check.tempo(compose.tempo)
    try compose.audio.validate(paths: compose.outputs.audio)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let checkpoints = try Self.checkpoints(in: folder)
    var piece: Score?
    var offset = 0.0
    for (i, checkpoint) in checkpoints.enumerated() {
      var request = compose
      request.model = checkpoint.path
      let label = checkpoint.path.hasSuffix("/final") ? "final" : "step \(checkpoint.step)"
      try progress.stage("composing \(label) (\(i + 1) of \(checkpoints.count))", at: Double(i) / Double(checkpoints.count + 1))
      var (section, _) = try request.compose(models, progress: SilentProgress())
      section.markers.insert(Score.Marker(beat: 0, text: label), at: 0)
      // Sections start on a bar line of the section before.
      let bar = (piece?.timeSignatures.last?.beatsPerBar) ?? 4
      if let p = piece {
        offset = (p.length / bar).rounded(.up) * bar
        piece = p.appending(section, at: offset)
      } else {
        section.title = "\(compose.composer.genre) across training: \((folder as NSString).lastPathComponent)"
        piece = section
      }
    }
    guard let score = piece else { throw PipelineError.badRequest("no checkpoints") }
    let outputs = compose.outputs
    try ScoreWriter.check(score, outputs, audio: compose.audio)
    if outputs.rendersAudio { try progress.stage("rendering with \(compose.audio.renderer.rawValue)", at: 0.9) }
    let report = try ScoreWriter.write(score, to: outputs, audio: compose.audio, models: models)
    let seconds = score.seconds(atBeat: score.length)
    return PipelineResult(
      files: outputs.files(),
      summary:
        "\(compose.composer.genre) across \(checkpoints.count) checkpoints (\(checkpoints.map { $0.path.hasSuffix("/final") ? "final" : "step \($0.step)" }.joined(separator: ", "))), \(score.writtenNoteCount) notes, \(Int(seconds.rounded())) s",
      facts: ["checkpoints": "\(checkpoints.count)"], audio: report)
  }
}
