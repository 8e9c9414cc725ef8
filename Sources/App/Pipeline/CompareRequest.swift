public import Analysis
public import Compare
public import Compose
public import Foundation
import AtomicFile
import Checkpoint

/// `eigentone compare` and `POST /api/compare`: what changed between two checkpoints, ranked;
/// the difference piece; and the same genre composed from both (in A's key and tempo, so only
/// the weights differ) to hear one after the other.
public struct CompareRequest: PipelineRequest {
  public static let kind = "compare"

  /// The same genre from both models.
  public struct ABPieces: Sendable {
    public var composer: any Composer.Type
    /// A's piece, B's piece, and the two alternating section by section (nil: not written).
    public var a: ScoreOutputs
    public var b: ScoreOutputs
    public var alternating: ScoreOutputs?

    public init(composer: any Composer.Type, a: ScoreOutputs, b: ScoreOutputs, alternating: ScoreOutputs? = nil) {
      self.composer = composer
      self.a = a
      self.b = b
      self.alternating = alternating
    }

    /// The command line's `--ab GENRE DIR`: `DIR/a.mid`, `b.mid`, `ab.mid` and a FLAC of each.
    public static func folder(_ dir: String, composer: any Composer.Type) -> ABPieces {
      func outputs(_ name: String) -> ScoreOutputs { ScoreOutputs(midi: "\(dir)/\(name).mid", audio: ["\(dir)/\(name).flac"]) }
      return ABPieces(composer: composer, a: outputs("a"), b: outputs("b"), alternating: outputs("ab"))
    }

    /// The studio's files: `a_score.mid`, `a_roll.json`, `a_audio.flac`, ... in `folder`.
    public static func studio(in folder: URL, composer: any Composer.Type) -> ABPieces {
      ABPieces(composer: composer, a: .studio(in: folder, prefix: "a_"), b: .studio(in: folder, prefix: "b_"))
    }
  }

  /// `--ab album DIR`: one prompt's album piece from both models (the second usually an
  /// abliterated copy of the first), read along the same direction, in A's key and tempo.
  public struct AlbumPieces: Sendable {
    public var prompt: String
    /// A direction file; nil: the one `eigentone abliterate` recorded in B's metadata, else
    /// measured on A from the default sets.
    public var direction: String?
    public var positive: PromptSet
    public var negative: PromptSet
    public var a: ScoreOutputs
    public var b: ScoreOutputs
    public var alternating: ScoreOutputs?

    public init(
      prompt: String, direction: String?, positive: PromptSet, negative: PromptSet, a: ScoreOutputs, b: ScoreOutputs, alternating: ScoreOutputs? = nil
    ) {
      self.prompt = prompt
      self.direction = direction
      self.positive = positive
      self.negative = negative
      self.a = a
      self.b = b
      self.alternating = alternating
    }

    /// The command line's folder: `DIR/a.mid`, `b.mid`, `ab.mid` and a FLAC of each.
    public static func folder(_ dir: String, prompt: String, positive: PromptSet, negative: PromptSet) -> AlbumPieces {
      func outputs(_ name: String) -> ScoreOutputs { ScoreOutputs(midi: "\(dir)/\(name).mid", audio: ["\(dir)/\(name).flac"]) }
      return AlbumPieces(prompt: prompt, direction: nil, positive: positive, negative: negative, a: outputs("a"), b: outputs("b"), alternating: outputs("ab"))
    }
  }

  /// The reference model, and the one compared with it.
  public var a: String
  public var b: String
  /// The whole comparison as JSON.
  public var comparisonJSON: String?
  /// A folder for one SVG per matrix with both spectra, and an index.html.
  public var plots: String?
  /// The difference piece (where the weights changed, heard).
  public var difference: ScoreOutputs
  public var ab: ABPieces?
  public var album: AlbumPieces?
  public var audio: AudioSettings

  public init(
    a: String, b: String, comparisonJSON: String? = nil, plots: String? = nil, difference: ScoreOutputs = ScoreOutputs(), ab: ABPieces? = nil,
    album: AlbumPieces? = nil, audio: AudioSettings = AudioSettings()
  ) {
    self.album = album
    self.a = a
    self.b = b
    self.comparisonJSON = comparisonJSON
    self.plots = plots
    self.difference = difference
    self.ab = ab
    self.audio = audio
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.check(a)
    try models.check(b)
    try audio.validate(paths: difference.audio + (ab.map { $0.a.audio + $0.b.audio + ($0.alternating?.audio ?? []) } ?? []))
    if let album {
      try models.checkRunnable(a)
      try models.checkRunnable(b)
      try Check.prompt(album.prompt)
      try audio.validate(paths: album.a.audio + album.b.audio + (album.alternating?.audio ?? []))
    }
  }

  /// The comparison and both portraits, without writing anything.
  public func compare(_ models: any ModelSource, progress: any PipelineProgress) throws -> (comparison: Comparison, portraits: (Portrait, Portrait)) {
    let options = AnalysisOptions()
    try progress.stage("analysing \(a)", at: 0)
    let pa = try models.portrait(a, options: options, useCache: true) { d, t, name in progress.update(d, of: t, from: 0, to: 0.25, item: name) }
    try progress.stage("analysing \(b)", at: 0.25)
    let pb = try models.portrait(b, options: options, useCache: true) { d, t, name in progress.update(d, of: t, from: 0.25, to: 0.5, item: name) }
    try progress.stage("comparing tensors", at: 0.5)
    let comparison = try Comparison.compare(try models.checkpoint(a), try models.checkpoint(b), portraits: (pa, pb)) { d, t in
      progress.update(d, of: t, from: 0.5, to: 0.7, item: "")
    }
    return (comparison, (pa, pb))
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try perform(models, progress: progress).result
  }

  /// Runs the request; returns its result and the comparison (which the command line prints
  /// as a table or JSON).
  public func perform(_ models: any ModelSource, progress: any PipelineProgress) throws -> (result: PipelineResult, comparison: Comparison) {
    let (comparison, (pa, pb)) = try compare(models, progress: progress)
    var files: [String: String] = [:]
    if let path = comparisonJSON {
      try ScoreWriter.writeJSON(comparison, to: path, pretty: false)
      files["comparison"] = path
    }
    if let plots {
      try PlotFolder.write(comparison.plotFiles(portraits: (pa, pb)), into: plots)
      files["plots"] = plots + "/index.html"
    }
    var report: AudioReport?
    if difference != ScoreOutputs() {
      let piece = DifferencePiece.score(for: comparison)
      try ScoreWriter.check(piece, difference, audio: audio)
      report = try ScoreWriter.write(piece, to: difference, audio: audio, models: models)
      files.merge(difference.files()) { x, _ in x }
    }
    var facts = ["matched": "\(comparison.ranking.count)", "only_in_a": "\(comparison.onlyInA.count)", "only_in_b": "\(comparison.onlyInB.count)"]
    if let ab {
      try progress.stage("composing", at: 0.7)
      let preset = try models.presets.preset(for: ab.composer.genre)
      for path in [ab.a.midi, ab.b.midi].compactMap({ $0 }) {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      }
      // Both in the key and tempo of A, so only the weights differ.
      let contextA = CompositionContext(portrait: pa, preset: preset)
      let scoreA = try ab.composer.init().compose(contextA)
      let scoreB = try ab.composer.init().compose(CompositionContext(portrait: pb, preset: preset, key: contextA.key, tempo: contextA.tempo))
      let pieces =
        [(scoreA, ab.a, "a_", "rendering A", 0.75), (scoreB, ab.b, "b_", "rendering B", 0.87)]
        + (ab.alternating.map { [(ABPiece.alternate(scoreA, scoreB), $0, "ab_", "rendering A/B", 0.95)] } ?? [])
      for (score, outputs, _, _, _) in pieces { try ScoreWriter.check(score, outputs, audio: audio) }
      for (score, outputs, prefix, stage, at) in pieces {
        if outputs.rendersAudio { try progress.stage(stage, at: at) }
        try ScoreWriter.write(score, to: outputs, audio: audio, models: models, reverb: preset.reverb)
        files.merge(outputs.files(prefix: prefix)) { x, _ in x }
      }
      facts["genre"] = ab.composer.genre
      facts["key"] = "\(contextA.key)"
    }
    if let album {
      try progress.stage("reading the prompt in both models", at: 0.7)
      let recorded = (try? models.checkpoint(b))?.metadata["eigentone.direction"]?.stringValue
      let direction = album.direction ?? recorded.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
      let pair = try AlbumRequest.pair(
        model: a, other: b, prompt: album.prompt, direction: direction, positive: album.positive, negative: album.negative, models: models, progress: progress)
      for path in [album.a.midi, album.b.midi].compactMap({ $0 }) {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      }
      let pieces =
        [(pair.a, album.a, "a_", "rendering A", 0.85), (pair.b, album.b, "b_", "rendering B", 0.9)]
        + (album.alternating.map { [(ABPiece.alternate(pair.a, pair.b), $0, "ab_", "rendering A/B", 0.95)] } ?? [])
      for (score, outputs, _, _, _) in pieces { try ScoreWriter.check(score, outputs, audio: audio) }
      for (score, outputs, prefix, stage, at) in pieces {
        if outputs.rendersAudio { try progress.stage(stage, at: at) }
        try ScoreWriter.write(score, to: outputs, audio: audio, models: models)
        files.merge(outputs.files(prefix: prefix)) { x, _ in x }
      }
      facts["album_tension_a"] = String(format: "%.2f", pair.tension.0)
      facts["album_tension_b"] = String(format: "%.2f", pair.tension.1)
    }
    let result = PipelineResult(
      files: files, summary: "\(comparison.ranking.count) tensors compared; most changed: \(comparison.ranking.first?.tensor ?? "-")", facts: facts,
      audio: report)
    return (result, comparison)
  }
}

/// Writes plot files (`--plots DIR` of analyze and compare) into a folder.
public enum PlotFolder {
  /// Writes `files` into `folder` (created if missing), each atomically.
  public static func write(_ files: [(name: String, contents: String)], into folder: String) throws(PipelineError) {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
      throw .badRequest("--plots \(folder): exists and is not a folder")
    }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for file in files { try AtomicFile.write(file.contents, to: folder + "/" + file.name) }
    } catch {
      throw .failed("\(folder): \(error)")
    }
  }
}
