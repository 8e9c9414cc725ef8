import ArgumentParser
import Foundation
import Pipeline
import Theory

/// What every `eigentone album` piece shares: the direction (a file, or the two prompt sets it
/// is measured from), the template, the key, the JSON and the audio.
struct AlbumOptions: ParsableArguments {
  @Option(help: "A direction file from eigentone direction (default: measure one from --positive and --negative first, ~15 s on SmolLM2).")
  var direction: String?
  @Option(help: "The positive set (text: one prompt per line; CSV: its Goal and Category columns). Default: JailbreakBench's 100 behaviours (\"harmful\").")
  var positive: String?
  @Option(help: "The negative set, the reference tension is scored against. Default: Eigentone's 100 everyday instructions (\"harmless\").")
  var negative: String?
  @OptionGroup var corpora: CorporaOptions
  @Flag(help: "Use the prompts as written, without the chat template.") var raw = false
  @Option(help: "The root, e.g. D or F# (default: the chosen layer's step around the circle of fifths).") var root: String?
  @Option(help: "Also write the numbers (tension per layer and token, exclusions, attention spread, sparsity) as JSON.") var json: String?
  @OptionGroup var audio: AudioOptions

  func sets() throws -> (PromptSet, PromptSet) {
    (
      try positive.map { try PromptSet.read($0) } ?? PromptSet.harmful(corpora: corpora.corpora),
      try negative.map { try PromptSet.read($0) } ?? PromptSet.harmless()
    )
  }

  func pitchClass() throws -> PitchClass? {
    guard let root else { return nil }
    guard let key = Key(parsing: root + " minor") else { throw ValidationError("--root takes a pitch class such as D, F# or Bb (got \"\(root)\")") }
    return key.root
  }

  func request(model: String, piece: AlbumRequest.Piece, midi: String?, heatmap: String? = nil) throws -> AlbumRequest {
    let (p, n) = try sets()
    return AlbumRequest(
      model: model, piece: piece, direction: direction, positive: p, negative: n, raw: raw, root: try pitchClass(),
      outputs: ScoreOutputs(midi: midi, audio: audio.paths), json: json, heatmap: heatmap, audio: audio.settings())
  }

  /// Runs `request`, prints where it wrote.
  static func run(_ request: AlbumRequest, soundfont: String?) throws {
    let result = try PipelineRunner.run(request, soundfont: soundfont)
    PipelineRunner.reportSpeed(result.audio)
    print(result.summary + " → " + result.files.sorted { $0.key < $1.key }.map(\.value).joined(separator: ", "))
  }
}
