import Checkpoint
public import Corpora
import Foundation
import Inference
import Inside
import Score
import MusicTokens
import ScoreReaders
import Tokenizer
import Training

/// `eigentone report` and `POST /api/report`: a page (and the numbers) of what happens inside a
/// forward pass (``InsideReport``).
public struct ReportRequest: PipelineRequest {
  public static let kind = "report"

  public enum Prompt: Sendable, Hashable {
    case text(String)
    /// A score file for a music model `eigentone train` made.
    case score(String)
  }

  public var model: String
  public var prompt: Prompt
  /// Text prompts the head profiles average over (nil: ``ReportSamples/text``); the prompt
  /// itself is always the first.
  public var samples: [String]?
  /// The untrained twin's and the neighbour embedding's seed.
  public var seed: UInt64
  /// The HTML page.
  public var output: String
  /// The numbers, when wanted.
  public var json: String?

  public init(model: String, prompt: Prompt, samples: [String]? = nil, seed: UInt64 = ReportSamples.seed, output: String, json: String? = nil) {
    self.model = model
    self.prompt = prompt
    self.samples = samples
    self.seed = seed
    self.output = output
    self.json = json
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    switch prompt {
    case .text(let text): try Check.prompt(text)
    case .score(let path): guard !path.isEmpty else { throw PipelineError.badRequest("no score file for --prompt-midi") }
    }
    if let samples, samples.isEmpty { throw PipelineError.badRequest("the sample prompts file has no prompts") }
    try models.checkRunnable(model)
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let report = try measure(models, progress: progress)
    try progress.stage("writing the page", at: 0.97)
    try ScoreWriter.writeText(InsideReportPage(report: report).html, to: output)
    var files = ["report": output]
    if let json {
      try ScoreWriter.writeJSON(report, to: json, pretty: false)
      files["json"] = json
    }
    let pair = report.headProfile.mostDifferent.map { "\($0.layer).\($0.head)" }.joined(separator: " vs ")
    let mind = report.settles.last.map { "the last token's answer settles at layer \($0)" } ?? ""
    return PipelineResult(
      files: files,
      summary: "report: \(report.tokens.count) tokens, \(report.layers) layers × \(report.heads) heads; \(mind); most different heads \(pair)",
      facts: [
        "tokens": "\(report.tokens.count)", "layers": "\(report.layers)", "heads": "\(report.heads)", "settles": report.settles.last.map { "\($0)" } ?? "",
        "answer": report.nextToken.last?.first?.token ?? "",
      ])
  }

  /// What a vocabulary is made of: a name and a category for every id, and how to read prompts.
  struct Vocabulary {
    var kind: String
    var names: [String]
    var categories: [TokenCategory]
    var encode: (Prompt) throws -> [Int]
    /// A music model's shape (its untrained twin is `eigentone train`'s own initialisation) and
    /// events.
    var music: (config: GPTConfig, events: EventVocabulary)?
  }

  func vocabulary(_ models: any ModelSource, lm: LanguageModel) throws -> Vocabulary {
    let folder = (lm.checkpoint.location as NSString).deletingLastPathComponent
    if let (config, events) = try? ModelFolder.describe(folder) {
      let names = (0..<lm.vocabularySize).map { events.name($0) }
      return Vocabulary(
        kind: "music", names: names, categories: names.map(TokenCategory.music),
        encode: { prompt in
          guard case .score(let path) = prompt else {
            throw PipelineError.badRequest("\(model) is a music model: give the prompt as a score file (--prompt-midi)")
          }
          let (piece, _) = try MusicInput.piece(path, tune: nil)
          return Self.tokens(piece.score, events)
        }, music: (config, events))
    }
    let tokenizer = try models.tokenizer(model)
    let special = Set(tokenizer.specialTokens.values)
    let names = (0..<lm.vocabularySize).map { tokenizer.text(of: $0) }
    return Vocabulary(
      kind: "text", names: names, categories: names.indices.map { TokenCategory.text(names[$0], special: special.contains($0)) },
      encode: { prompt in
        guard case .text(let text) = prompt else { throw PipelineError.badRequest("\(model) is a text model: give the prompt as text (--prompt)") }
        return tokenizer.encode(text)
      }, music: nil)
  }

  /// A score's tokens as a prompt: BOS and the events, without the closing EOS.
  static func tokens(_ score: Score, _ events: EventVocabulary) -> [Int] {
    var ids = ScoreTokenizer(vocabulary: events).encode(score)
    if ids.last == EventVocabulary.eos { ids.removeLast() }
    return ids
  }

  /// Runs the passes and measures everything the page shows.
  public func measure(_ models: any ModelSource, progress: any PipelineProgress) throws -> InsideReport {
    try progress.stage("loading \(model)", at: 0)
    // Decoded once (the studio keeps it between requests); every pass here reuses it.
    let lm = try models.languageModel(model)
    let vocabulary = try vocabulary(models, lm: lm)
    let limit = min(InsideReport.maximumTokens, lm.contextLength)
    let ids = Array(try vocabulary.encode(prompt).prefix(limit))
    guard !ids.isEmpty else { throw PipelineError.badRequest("the prompt gives no tokens") }
    try progress.stage("forward pass", at: 0.1)
    let pass = try lm.forward(ids)
    let T = ids.count, L = pass.layerCount, H = pass.heads
    let name = { (id: Int) in id >= 0 && id < vocabulary.names.count ? vocabulary.names[id] : "#\(id)" }
    try progress.stage("logit lens", at: 0.15)
    let lens = try LogitLens(model: lm, pass: pass) { done in progress.update(done, of: L, from: 0.15, to: 0.35, item: "layer \(done)") }
    let logitLens = lens.readings.map { row in
      row.map { InsideReport.LensEntry(token: name($0.top), id: $0.top, probability: $0.probability, answerRank: $0.answerRank, answerProbability: $0.answerProbability) }
    }
    let nextToken = lens.next.map { $0.map { InsideReport.Candidate(token: name($0.token), id: $0.token, probability: $0.probability) } }
    var attention: [[[[Float]]]] = []
    var flow: [[Float]] = []
    for l in 0..<L {
      var heads: [[[Float]]] = []
      var mean = [Float](repeating: 0, count: T)
      for h in 0..<H {
        var rows: [[Float]] = []
        for q in 0..<T {
          var r = [Float](repeating: 0, count: T)
          for (k, v) in pass.attentionRow(layer: l, head: h, token: q).enumerated() { r[k] = v }
          rows.append(r)
        }
        for k in 0..<T { mean[k] += rows[T - 1][k] / Float(H) }
        heads.append(rows)
      }
      attention.append(heads)
      flow.append(mean)
    }
    let headProfile = try heads(lm: lm, vocabulary: vocabulary, prompt: (ids, pass), limit: limit, progress: progress)
    let (embedding, heatmaps) = try embeddings(lm: lm, vocabulary: vocabulary, prompt: ids, progress: progress)
    return InsideReport(
      model: model, architecture: lm.architecture.rawValue, layers: L, heads: H, kind: vocabulary.kind, tokens: ids.map(name), ids: ids, nextToken: nextToken,
      attention: attention, logitLens: logitLens, settles: lens.settles, layerFlow: flow, embedding: embedding, headProfile: headProfile, heatmaps: heatmaps)
  }

  /// §5: the heads' attention by key class over the prompt and the sample prompts.
  func heads(
    lm: LanguageModel, vocabulary: Vocabulary, prompt: (ids: [Int], pass: ForwardPass), limit: Int, progress: any PipelineProgress
  ) throws -> InsideReport.HeadFigures {
    try progress.stage("head profiles", at: 0.4)
    var named: [(String, [Int])] = [("the prompt", prompt.ids)]
    if vocabulary.music == nil {
      for text in samples ?? ReportSamples.text { named.append((text, Array(try vocabulary.encode(.text(text)).prefix(limit)))) }
    } else if let events = vocabulary.music?.events {
      for genre in ReportSamples.musicGenres {
        guard let piece = GenreCorpus.generatedPiece(genre, index: 0) else { continue }
        named.append((piece.id, Array(Self.tokens(piece.score, events).prefix(limit))))
      }
    }
    let categories = vocabulary.music == nil ? TokenCategory.text : TokenCategory.music
    var passes: [(attention: [[Float]], keys: [TokenCategory])] = []
    for (i, (_, ids)) in named.enumerated() where ids.count >= 2 {
      let pass = i == 0 ? prompt.pass : try lm.forward(ids)
      passes.append((pass.attention, ids.map { vocabulary.categories[$0] }))
      progress.update(i + 1, of: named.count, from: 0.4, to: 0.55, item: "sample \(i + 1)")
    }
    let profile = HeadProfile(categories: categories, passes: passes, heads: lm.heads)
    let pair = profile.mostDifferentPair
    return InsideReport.HeadFigures(
      classes: profile.classes, prompts: named.map(\.0), mass: profile.mass,
      mostDifferent: pair.map { [.init(layer: $0.a.layer, head: $0.a.head), .init(layer: $0.b.layer, head: $0.b.head)] } ?? [], distance: pair?.distance ?? 0)
  }

  /// §1–2: PCA (fitted on the vocabulary, or ``Inside/PrincipalComponents/maximumRows`` evenly spaced rows of it) and a neighbour embedding of the shown tokens,
  /// for the model and its untrained twin, and the heatmaps on one colour scale.
  func embeddings(
    lm: LanguageModel, vocabulary: Vocabulary, prompt: [Int], progress: any PipelineProgress
  ) throws -> (InsideReport.EmbeddingFigures, InsideReport.Heatmaps) {
    let V = lm.vocabularySize, d = lm.hiddenSize
    try progress.stage("embeddings", at: 0.55)
    let trained = try lm.embeddingRows(Array(0..<V))
    let untrained: [Float]
    let initialization: String
    if let config = vocabulary.music?.config, config.vocabulary == V, config.width == d {
      untrained = config.initialEmbedding(seed: seed)
      initialization = "eigentone train's initialisation (GPT-2's: N(0, 0.02²)), seed \(seed)"
    } else {
      untrained = UntrainedTwin.embedding(vocabulary: V, width: d, seed: seed)
      initialization = "N(0, \(UntrainedTwin.standardDeviation)²) per value (Hugging Face's initializer_range), seed \(seed)"
    }
    let shown = EmbeddingSubset.choose(categories: vocabulary.categories, prompt: prompt)
    let rule =
      V <= EmbeddingSubset.defaultLimit
      ? "the whole vocabulary (\(V) tokens)"
      : "\(shown.count) of \(V) tokens: the prompt's, special tokens, then each category in proportion to its size at evenly spaced ids (PCA axes fitted on \(PrincipalComponents.sampleRows(V).count) evenly spaced rows)"
    func rows(_ all: [Float]) -> [Float] { shown.flatMap { all[($0 * d)..<(($0 + 1) * d)] } }
    func project(_ all: [Float], step: Int) throws -> InsideReport.Projection {
      let sample = PrincipalComponents.sampleRows(V)
      let pca = try PrincipalComponents(width: d, count: 2) { feed in
        var r = 0
        while r < sample.count {
          let block = sample[r..<min(r + 1024, sample.count)].flatMap { all[($0 * d)..<(($0 + 1) * d)] }
          try block.withUnsafeBufferPointer { try feed($0) }
          r += 1024
        }
      }
      let mine = rows(all)
      let flat = pca.project(mine)
      try progress.stage("neighbour embedding (\(shown.count) tokens)", at: step == 0 ? 0.6 : 0.8)
      let (points, divergence) = NeighbourEmbedding(seed: seed).embed(mine.map(Double.init), width: d)
      return InsideReport.Projection(
        pca: (0..<shown.count).map { [flat[2 * $0], flat[2 * $0 + 1]] }, explained: pca.explained,
        neighbour: (0..<shown.count).map { [points[2 * $0], points[2 * $0 + 1]] }, divergence: divergence)
    }
    let a = try project(trained, step: 0), b = try project(untrained, step: 1)
    let (ra, rb) = (rows(trained), rows(untrained))
    var magnitudes = (ra + rb).map { abs(Double($0)) }
    magnitudes.sort()
    let scale = max(magnitudes.isEmpty ? 1 : magnitudes[min(magnitudes.count - 1, Int(Double(magnitudes.count) * 0.995))], 1e-12)
    // Dimensions down, tokens across.
    func pixels(_ r: [Float]) -> [UInt8] {
      var out = [UInt8](repeating: 0, count: d * shown.count)
      for (c, _) in shown.enumerated() {
        for i in 0..<d {
          let x = min(1, max(-1, Double(r[c * d + i]) / scale))
          out[i * shown.count + c] = UInt8((x + 1) / 2 * 255 + 0.5)
        }
      }
      return out
    }
    let figures = InsideReport.EmbeddingFigures(
      ids: shown, tokens: shown.map { vocabulary.names[$0] }, categories: shown.map { vocabulary.categories[$0] }, vocabulary: V, width: d, subset: rule,
      untrainedSeed: seed, untrainedInitialization: initialization, trained: a, untrained: b, heatmapScale: scale)
    return (figures, InsideReport.Heatmaps(trained: pixels(ra), untrained: pixels(rb)))
  }
}

/// The report's fixed inputs: the seed, and the sample prompts its head profiles average over.
public enum ReportSamples {
  /// The untrained twin's and the neighbour embedding's default seed.
  public static let seed: UInt64 = 1
  /// Everyday text of several kinds (a question, a list, numbers, code, dialogue), so heads
  /// that track digits, punctuation or word starts have something to find.
  public static let text = [
    "The capital of France is Paris, and the capital of Italy is Rome.",
    "Q: How many legs does a spider have? A: Eight.",
    "1, 2, 3, 5, 8, 13, 21, 34, 55, 89",
    "def add(a, b):\n    return a + b",
    "\"Are you coming tonight?\" she asked. \"Maybe,\" he said.",
    "Mix the flour, sugar and eggs; bake for 25 minutes at 180 degrees.",
    "In 1969, Apollo 11 landed on the Moon.",
    "The quick brown fox jumps over the lazy dog.",
  ]
  /// Music models: the first generated piece of each of these genres.
  public static let musicGenres: [MusicGenre] = [.atonal, .metal, .rock, .pop, .rap]
}
