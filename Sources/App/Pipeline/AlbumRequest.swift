import Checkpoint
public import Foundation
import Inference
import Inside
import Render
public import Score
public import Sonify
public import Theory
import Tokenizer

/// `eigentone album solo|contrast|dialogue|album|compare` and `POST /api/album`: prompts' tension
/// along a contrast direction, as music (``Sonify/ActivationAlbum``).
///
/// The direction comes from a file (`eigentone direction`) or is measured first from the two
/// prompt sets (harmful/harmless by default). Each prompt is wrapped in the model's chat
/// template (`raw`: as written), run once, and read at its instruction and closing tokens;
/// tension is a z-score against the negative set's projections at each layer.
public struct AlbumRequest: PipelineRequest {
  public static let kind = "album"

  public enum Piece: Sendable, Hashable {
    /// One prompt.
    case solo(String)
    /// Two prompts side by side in one file.
    case contrast(String, String)
    /// An 11-step arc through both sets: calm, rising, peak, and a descent of its own prompts.
    case dialogue
    /// Every positive prompt, by category, into a folder.
    case album(folder: String)
    /// The same prompts through the model and `other` (an abliterated copy): their component
    /// along the chosen direction, layer by layer.
    case compare(other: String, prompts: [String])

    public var name: String {
      switch self {
      case .solo: "solo"
      case .contrast: "contrast"
      case .dialogue: "dialogue"
      case .album: "album"
      case .compare: "compare"
      }
    }
  }

  public var model: String
  public var piece: Piece
  /// A direction file, or nil to measure one from `positive` and `negative`.
  public var direction: String?
  public var positive: PromptSet
  public var negative: PromptSet
  public var raw: Bool
  /// The album's root (default: the chosen layer's step around the circle of fifths, so
  /// directions chosen at different depths sound in different keys).
  public var root: PitchClass?
  /// The piece's MIDI and audio (the album's `album.mid` defaults into its folder).
  public var outputs: ScoreOutputs
  /// The readings (or the comparison's numbers) as JSON.
  public var json: String?
  /// Solo: the tension heatmap (SVG).
  public var heatmap: String?
  public var audio: AudioSettings

  public init(
    model: String, piece: Piece, direction: String? = nil, positive: PromptSet, negative: PromptSet, raw: Bool = false, root: PitchClass? = nil,
    outputs: ScoreOutputs = ScoreOutputs(), json: String? = nil, heatmap: String? = nil, audio: AudioSettings = AudioSettings()
  ) {
    self.model = model
    self.piece = piece
    self.direction = direction
    self.positive = positive
    self.negative = negative
    self.raw = raw
    self.root = root
    self.outputs = outputs
    self.json = json
    self.heatmap = heatmap
    self.audio = audio
  }

  /// The album's numbers per track (`album.json`).
  public struct Track: Sendable, Codable {
    public var track: Int
    public var category: String
    public var file: String
    public var mode: String
    public var bpm: Double
    public var startSeconds: Double
    public var durationSeconds: Double
    public var reading: PromptReading

    enum CodingKeys: String, CodingKey {
      case track, category, file, mode, bpm, reading
      case startSeconds = "start_s"
      case durationSeconds = "duration_s"
    }
  }

  /// `album compare`'s numbers per prompt: per layer 0…L (0: the embedding output) the mean
  /// cosine of the residual stream with the chosen direction over the closing tokens, and the
  /// largest |cosine| over every position, in each model.
  public struct ComparedPrompt: Sendable, Codable {
    public var text: String
    public var base: [Double]
    public var other: [Double]
    public var baseLargest: [Double]
    public var otherLargest: [Double]

    enum CodingKeys: String, CodingKey {
      case text, base, other
      case baseLargest = "base_largest"
      case otherLargest = "other_largest"
    }
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.checkRunnable(model)
    switch piece {
    case .solo(let p): try Check.prompt(p)
    case .contrast(let a, let b):
      try Check.prompt(a)
      try Check.prompt(b)
    case .compare(let other, let prompts):
      try models.checkRunnable(other)
      for p in prompts { try Check.prompt(p) }
    case .dialogue, .album: break
    }
    if direction == nil || piece == .dialogue {
      guard positive.prompts.count >= 10, negative.prompts.count >= 10 else {
        throw .badRequest("each prompt set needs at least 10 prompts; got \(positive.prompts.count) and \(negative.prompts.count)")
      }
    }
    if case .album = piece, positive.prompts.isEmpty { throw .badRequest("the positive set is empty") }
    if let direction, !FileManager.default.fileExists(atPath: direction) { throw .badRequest("no direction file \(direction)") }
    try audio.validate(paths: outputs.audio)
  }

  /// A loaded model with its tokenizer and template, and how one prompt is read.
  struct Reader {
    var lm: LanguageModel
    var tokenizer: BytePairTokenizer
    var template: ChatTemplate
    var direction: DirectionFile

    /// The same reading for `other` (an abliterated copy): its weights, this template and
    /// direction; the shapes must match.
    func sibling(_ other: String, model: String, models: any ModelSource) throws -> Reader {
      let o = try models.languageModel(other)
      guard o.hiddenSize == lm.hiddenSize, o.layers == lm.layers else {
        throw PipelineError.badRequest("\(other) has \(o.layers) layers of width \(o.hiddenSize); \(model) has \(lm.layers) of \(lm.hiddenSize)")
      }
      return Reader(lm: o, tokenizer: try models.tokenizer(other), template: template, direction: direction)
    }

    func read(_ text: String) throws -> PromptReading {
      let prompt = try TemplatedPrompt(text, template: template, tokenizer: tokenizer)
      let pass = try lm.forward(batch: [prompt.ids], logits: false)
      return PromptReading(
        text: text, pass: pass, tokenText: { tokenizer.text(of: $0) }, instruction: Array(prompt.instruction), closing: Array(prompt.closing),
        directions: direction.directions, reference: direction.reference, chosenLayer: direction.chosenLayer)
    }

    /// Per layer 0…L: the mean cosine with `r` over the closing tokens (where the direction
    /// is measured) and the largest |cosine| over every position.
    func cosines(_ text: String, along r: [Double]) throws -> (mean: [Double], largest: [Double]) {
      let prompt = try TemplatedPrompt(text, template: template, tokenizer: tokenizer)
      let pass = try lm.forward(batch: [prompt.ids], logits: false)
      var mean: [Double] = []
      var largest: [Double] = []
      for l in 0...pass.layerCount {
        var sum = 0.0
        var top = 0.0
        for t in 0..<prompt.ids.count {
          let h = pass.state(layer: l, token: t)
          var n = 0.0
          for v in h { n += Double(v) * Double(v) }
          let c = n > 0 ? ActivationTension.dot(h, r) / n.squareRoot() : 0
          if prompt.closing.contains(t) { sum += c }
          top = max(top, abs(c))
        }
        mean.append(sum / Double(max(1, prompt.closing.count)))
        largest.append(top)
      }
      return (mean, largest)
    }
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    try progress.stage("loading \(model)", at: 0)
    let reader = try Self.reader(
      model, direction: direction, positive: positive, negative: negative, raw: raw, models: models, progress: progress, from: 0.02, to: 0.35)
    let file = reader.direction
    let root = root ?? PitchClass((file.chosenLayer * 7) % 12)
    let album = ActivationAlbum()
    try progress.stage("reading the prompts", at: 0.35)
    var files: [String: String] = [:]
    var facts = ["piece": piece.name, "chosen_layer": "\(file.chosenLayer)", "direction": "\(file.positive) − \(file.negative)"]
    let score: Score
    var summary: String
    switch piece {
    case .solo(let text):
      let reading = try reader.read(text)
      let style = ActivationAlbum.Style.suggested(root: root, tension: reading.tension)
      score = album.solo(reading, style: style)
      if let heatmap {
        try ScoreWriter.writeText(AlbumFigures.heatmap(reading, title: text), to: heatmap)
        files["heatmap"] = heatmap
      }
      if let json { try ScoreWriter.writeJSON(reading, to: json, pretty: false) }
      summary = String(format: "solo: tension %.2f, %@, %.0f BPM, %d tokens scored", reading.tension, "\(style.key)", style.bpm, reading.positions.count)
      facts["tension"] = String(format: "%.2f", reading.tension)
    case .contrast(let a, let b):
      let (ra, rb) = (try reader.read(a), try reader.read(b))
      score = album.contrast(ra, rb, root: root)
      if let json { try ScoreWriter.writeJSON([ra, rb], to: json, pretty: false) }
      summary = String(format: "contrast: A tension %.2f, B tension %.2f", ra.tension, rb.tension)
    case .dialogue:
      let pool = positive.prompts + negative.prompts
      var readings: [PromptReading] = []
      for (k, text) in pool.enumerated() {
        readings.append(try reader.read(text))
        progress.update(k + 1, of: pool.count, from: 0.35, to: 0.85, item: String(text.prefix(40)))
      }
      let arc = Self.arc(readings.map(\.tension))
      let pieces = arc.enumerated().map { i, step in
        album.solo(readings[step.index], style: .suggested(root: root, tension: readings[step.index].tension), title: "\(i + 1) \(step.phase): \(readings[step.index].text)")
      }
      var (whole, starts) = album.sequence(pieces, title: "Dialogue: \(file.positive) − \(file.negative)")
      whole.markers = zip(arc, starts).enumerated().map { i, s in Score.Marker(beat: s.1, text: "\(i + 1) \(s.0.phase): \(readings[s.0.index].text)") }
      score = whole
      if let json { try ScoreWriter.writeJSON(arc.map { readings[$0.index] }, to: json, pretty: false) }
      summary = "dialogue: " + arc.map { String(format: "%@ %.1f", $0.phase, readings[$0.index].tension) }.joined(separator: ", ")
    case .album(let folder):
      (score, summary) = try writeAlbum(folder: folder, models: models, reader: reader, root: root, album: album, progress: progress, files: &files)
    case .compare(let other, let prompts):
      try progress.stage("loading \(other)", at: 0.35)
      let otherReader = try reader.sibling(other, model: model, models: models)
      let r = file.directions[file.chosenLayer]
      var compared: [ComparedPrompt] = []
      for (k, text) in prompts.enumerated() {
        let (b, bl) = try reader.cosines(text, along: r)
        let (o, ol) = try otherReader.cosines(text, along: r)
        compared.append(ComparedPrompt(text: text, base: b, other: o, baseLargest: bl, otherLargest: ol))
        progress.update(k + 1, of: prompts.count, from: 0.4, to: 0.85, item: String(text.prefix(40)))
      }
      let style = ActivationAlbum.Style(key: Key(root: root, mode: .naturalMinor), bpm: 84)
      score = album.sequence(compared.map { album.comparison(base: $0.base, other: $0.other, prompt: $0.text, style: style) }, title: "Base against \(other)").score
      if let json { try ScoreWriter.writeJSON(compared, to: json, pretty: false) }
      let largest = compared.flatMap(\.otherLargest).max() ?? 0
      let baseLargest = compared.flatMap(\.baseLargest).max() ?? 0
      summary = String(format: "compare: largest |cos(h, r̂)| %.2e in %@ (%.3f in the base) over %d prompts, every layer", largest, other, baseLargest, prompts.count)
      facts["largest_cosine"] = String(format: "%.3e", largest)
    }
    if let json { files["json"] = json }
    try ScoreWriter.check(score, outputs, audio: audio)
    if outputs.rendersAudio { try progress.stage("rendering with \(audio.renderer.rawValue)", at: 0.9) }
    let report = try ScoreWriter.write(score, to: outputs, audio: audio, models: models)
    files.merge(outputs.files()) { x, _ in x }
    summary += String(format: "; %d notes, %.1f s", score.writtenNoteCount, score.seconds(atBeat: score.length))
    return PipelineResult(files: files, summary: summary, facts: facts, audio: report)
  }

  /// The reader for `model`: its template, and the direction from `direction` (a file) or
  /// measured from the two sets (kept by the studio), with progress from `start` to `end`.
  static func reader(
    _ model: String, direction: String?, positive: PromptSet, negative: PromptSet, raw: Bool, models: any ModelSource, progress: any PipelineProgress,
    from start: Double, to end: Double
  ) throws -> Reader {
    let lm = try models.languageModel(model)
    let tokenizer = try models.tokenizer(model)
    let template = try DirectionRequest.template(lm, model: model, raw: raw)
    let file: DirectionFile
    if let direction {
      file = try DirectionFile.read(direction, hiddenSize: lm.hiddenSize, layers: lm.layers)
    } else {
      let measuring = DirectionRequest(
        model: model, positive: positive.prompts, negative: negative.prompts, names: (positive.name, negative.name), output: "", raw: raw)
      file = try models.direction(directionKey(model, positive, negative, raw: raw)) {
        try measuring.measure(lm, tokenizer: tokenizer, progress: progress, from: start, to: end).0
      }
    }
    return Reader(lm: lm, tokenizer: tokenizer, template: template, direction: file)
  }

  /// The dialogue's 11 steps over prompts of tension `t`: the 3 calmest, 3 rising (near the
  /// 30th, 45th and 60th percentiles), the 2 tensest, then 3 descending (near the 55th, 40th
  /// and 20th percentiles), every prompt used once.
  static func arc(_ t: [Double]) -> [(phase: String, index: Int)] {
    let order = t.indices.sorted { t[$0] != t[$1] ? t[$0] < t[$1] : $0 < $1 }
    var used = Set<Int>()
    func take(_ q: Double) -> Int {
      let target = Int((q * Double(order.count - 1)).rounded())
      // The unused prompt nearest the quantile (ties: the lower one).
      for d in 0..<order.count {
        for i in [target - d, target + d] where order.indices.contains(i) && !used.contains(order[i]) {
          used.insert(order[i])
          return order[i]
        }
      }
      return order[0]
    }
    let plan: [(String, Double)] =
      [("calm", 0), ("calm", 0), ("calm", 0), ("rising", 0.3), ("rising", 0.45), ("rising", 0.6), ("peak", 1), ("peak", 1), ("descent", 0.55), ("descent", 0.4), ("descent", 0.2)]
    return plan.map { ($0.0, take($0.1)) }
  }

  /// The album: every positive prompt by category, written into `folder`.
  func writeAlbum(
    folder: String, models: any ModelSource, reader: Reader, root: PitchClass, album: ActivationAlbum, progress: any PipelineProgress, files: inout [String: String]
  ) throws -> (Score, String) {
    let categories = positive.categories.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    let order = positive.prompts.indices.sorted {
      let (a, b) = (categories.firstIndex(of: positive.categories[$0]) ?? 0, categories.firstIndex(of: positive.categories[$1]) ?? 0)
      return a != b ? a < b : $0 < $1
    }
    var readings: [PromptReading] = []
    var pieces: [Score] = []
    var styles: [ActivationAlbum.Style] = []
    for (k, i) in order.enumerated() {
      let reading = try reader.read(positive.prompts[i])
      let ci = categories.firstIndex(of: positive.categories[i]) ?? 0
      // Each category a step further around the circle of fifths.
      let style = ActivationAlbum.Style.suggested(root: PitchClass((root.value + 7 * ci) % 12), tension: reading.tension)
      readings.append(reading)
      styles.append(style)
      pieces.append(album.solo(reading, style: style, title: String(format: "%03d %@: %@", k + 1, positive.categories[i], reading.text)))
      progress.update(k + 1, of: order.count, from: 0.35, to: 0.85, item: String(positive.prompts[i].prefix(40)))
    }
    try progress.stage("writing the album", at: 0.85)
    let (whole, starts) = album.sequence(pieces, title: "Activation album: \(positive.name)")
    let tracksFolder = folder + "/tracks"
    do { try FileManager.default.createDirectory(atPath: tracksFolder, withIntermediateDirectories: true) } catch {
      throw PipelineError.failed("cannot create \(tracksFolder): \(error.localizedDescription)")
    }
    var tracks: [Track] = []
    var csv = "track,category,prompt,tension,duration_s,start_s,mode,bpm\n"
    for (k, i) in order.enumerated() {
      let name = String(format: "%03d-%@", k + 1, Self.slug(positive.categories[i]))
      try ScoreWriter.write(pieces[k], to: ScoreOutputs(midi: "\(tracksFolder)/\(name).mid"), audio: audio, models: models)
      try ScoreWriter.writeText(AlbumFigures.heatmap(readings[k], title: "\(k + 1). \(readings[k].text)"), to: "\(tracksFolder)/\(name).svg")
      let start = whole.seconds(atBeat: starts[k])
      let duration = pieces[k].seconds(atBeat: pieces[k].length)
      tracks.append(
        Track(
          track: k + 1, category: positive.categories[i], file: "tracks/\(name).mid", mode: styles[k].key.mode.rawValue, bpm: styles[k].bpm, startSeconds: start,
          durationSeconds: duration, reading: readings[k]))
      csv +=
        [
          "\(k + 1)", Self.csvField(positive.categories[i]), Self.csvField(readings[k].text), String(format: "%.4f", readings[k].tension),
          String(format: "%.3f", duration), String(format: "%.3f", start), styles[k].key.mode.rawValue, String(format: "%.0f", styles[k].bpm),
        ].joined(separator: ",") + "\n"
    }
    try ScoreWriter.writeText(csv, to: folder + "/manifest.csv")
    try ScoreWriter.writeText(
      AlbumFigures.overview(tracks.map { ($0.category, $0.reading.tension) }, title: "Activation album: \(positive.name) (\(tracks.count) tracks)"), to: folder + "/overview.svg")
    try ScoreWriter.writeJSON(tracks, to: folder + "/album.json", pretty: false)
    files["manifest"] = folder + "/manifest.csv"
    files["overview"] = folder + "/overview.svg"
    files["album"] = folder + "/album.json"
    let t = readings.map(\.tension)
    let summary = String(
      format: "album: %d tracks in %d categories; tension %.2f to %.2f (mean %.2f)", tracks.count, categories.count, t.min() ?? 0, t.max() ?? 0,
      t.reduce(0, +) / Double(max(1, t.count)))
    return (whole, summary)
  }

  /// The model, the template choice and both sets' names and contents.
  static func directionKey(_ model: String, _ positive: PromptSet, _ negative: PromptSet, raw: Bool) -> String {
    "\(model)|\(raw)|\(positive.name)|\(negative.name)|\(positive.prompts.joined(separator: "\n").hashValue)|\(negative.prompts.joined(separator: "\n").hashValue)"
  }

  static func slug(_ s: String) -> String {
    let words = s.lowercased().unicodeScalars.split { !CharacterSet.alphanumerics.contains($0) }.map { String(String.UnicodeScalarView($0)) }
    return words.isEmpty ? "track" : words.joined(separator: "-")
  }

  /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
  static func csvField(_ s: String) -> String {
    s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
  }

  /// One prompt's solo piece from `model` and from `other` (an abliterated copy), both read
  /// along `direction` (a file; nil: measured on `model` from the default sets) and both in
  /// `model`'s key and tempo, so only the weights differ (`compare --ab album`).
  public static func pair(
    model: String, other: String, prompt: String, direction: String?, positive: PromptSet, negative: PromptSet, models: any ModelSource,
    progress: any PipelineProgress
  ) throws -> (a: Score, b: Score, tension: (Double, Double)) {
    let reader = try Self.reader(
      model, direction: direction, positive: positive, negative: negative, raw: false, models: models, progress: progress, from: 0.72, to: 0.8)
    let file = reader.direction
    let a = try reader.read(prompt)
    let b = try reader.sibling(other, model: model, models: models).read(prompt)
    let style = ActivationAlbum.Style.suggested(root: PitchClass((file.chosenLayer * 7) % 12), tension: a.tension)
    let album = ActivationAlbum()
    return (album.solo(a, style: style, title: "\(prompt) (\(model))"), album.solo(b, style: style, title: "\(prompt) (\(other))"), (a.tension, b.tension))
  }
}
