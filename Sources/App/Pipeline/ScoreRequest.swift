import Foundation
import Render
import Score
public import ScoreReaders

/// `eigentone score`: any score file (MusicXML, .mxl, kern, ABC, MIDI) to MIDI, MusicXML or
/// audio.
public struct ScoreRequest: PipelineRequest {
  public static let kind = "score"

  /// The score file.
  public var input: String
  /// For a multi-tune ABC file, the tune's reference number (X:); default the first tune.
  public var tune: Int?
  public var audio: AudioSettings
  public var outputs: ScoreOutputs

  public init(input: String, tune: Int? = nil, audio: AudioSettings = AudioSettings(), outputs: ScoreOutputs) {
    self.input = input
    self.tune = tune
    self.audio = audio
    self.outputs = outputs
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    guard ScoreFormat(path: input) != nil else {
      throw .badRequest("\(input): unknown score format; expected \(ScoreFormat.extensions)")
    }
    guard outputs.midi != nil || outputs.musicXML != nil || outputs.rendersAudio else {
      throw .badRequest("give -o FILE.mid, --musicxml, --wav or --flac")
    }
    try audio.validate(paths: outputs.audio)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try progress.stage("reading \(input)", at: 0)
    let (piece, outcome) = try MusicInput.piece(input, tune: tune)
    try ScoreWriter.check(piece.score, outputs, audio: audio)
    if outputs.rendersAudio { try progress.stage("rendering with \(audio.renderer.rawValue)", at: 0.2) }
    let report = try ScoreWriter.write(piece.score, to: outputs, audio: audio, models: models)
    let notes = piece.score.tracks.reduce(0) { $0 + $1.notes.count }
    var summary = "\(piece.score.title.isEmpty ? piece.id : piece.score.title): \(piece.score.tracks.count) part\(piece.score.tracks.count == 1 ? "" : "s"), \(notes) notes"
    if outcome.pieces.count > 1 {
      summary += " (tune \(piece.id.split(separator: "#").last ?? "") of \(outcome.pieces.count); --tune X for another)"
    }
    return PipelineResult(
      files: outputs.files(), summary: summary, facts: ["notes": "\(notes)", "parts": "\(piece.score.tracks.count)"], audio: report)
  }
}

/// Reading score files for the music-in commands (`score`, `tokenize`).
public enum MusicInput {
  /// The piece of `path` (for a multi-tune file, the tune numbered `tune`, or the first), and
  /// everything the file gave.
  public static func piece(_ path: String, tune: Int?) throws(PipelineError) -> (Piece, ReadOutcome) {
    let outcome: ReadOutcome
    do { outcome = try ScoreFile.read(path) } catch { throw .badRequest(error.description) }
    guard !outcome.pieces.isEmpty else {
      throw .badRequest(outcome.skipped.first?.description ?? "\(path): no piece in the file")
    }
    guard let tune else { return (outcome.pieces[0], outcome) }
    guard let piece = outcome.pieces.first(where: { $0.id.hasSuffix("#\(tune)") }) else {
      if let skipped = outcome.skipped.first(where: { $0.location == .tune(tune) }) { throw .badRequest(skipped.description) }
      throw .badRequest("\(path): no tune X:\(tune) (the file has \(outcome.pieces.count) readable tunes)")
    }
    return (piece, outcome)
  }
}
