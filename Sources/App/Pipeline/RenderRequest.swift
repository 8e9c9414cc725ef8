import Render
import Foundation
import Score
import StandardMIDI

/// `eigentone render`: any Standard MIDI File through Eigentone's renderers and mastering.
public struct RenderRequest: PipelineRequest {
  public static let kind = "render"

  /// The MIDI file.
  public var midi: String
  public var audio: AudioSettings
  /// WAV or FLAC files (by extension), at least one.
  public var paths: [String]

  public init(midi: String, audio: AudioSettings = AudioSettings(), paths: [String]) {
    self.midi = midi
    self.audio = audio
    self.paths = paths
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    guard !paths.isEmpty else { throw .badRequest("give --wav or --flac") }
    try audio.validate(paths: paths)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    guard let data = FileManager.default.contents(atPath: midi) else { throw PipelineError.badRequest("cannot read \(midi)") }
    let score = Score(midi: try MIDIFile(bytes: Array(data)))
    let outputs = ScoreOutputs(audio: paths)
    try ScoreWriter.check(score, outputs, audio: audio)
    try progress.stage("rendering with \(audio.renderer.rawValue)", at: 0)
    let report = try ScoreWriter.write(score, to: outputs, audio: audio, models: models)
    return PipelineResult(files: outputs.files(), summary: midi, audio: report)
  }
}
