public import Corpora
import Foundation
import MusicTokens
public import Training

/// `eigentone train`: a small GPT-2-style model trained natively on a genre's corpus.
public struct TrainRequest: Sendable {
  public var genre: MusicGenre
  public var output: String
  public var settings: TrainingSettings
  public var resume: Bool
  public var location: CorpusLocation
  /// Stop after this many steps (state saved, no `final`), to be resumed later.
  public var stopAfter: Int?

  public init(genre: MusicGenre, output: String, settings: TrainingSettings, resume: Bool, location: CorpusLocation, stopAfter: Int? = nil) {
    self.stopAfter = stopAfter
    self.genre = genre
    self.output = output
    self.settings = settings
    self.resume = resume
    self.location = location
  }

  public func validate() throws(PipelineError) {
    if let problem = settings.problem { throw .badRequest(problem) }
  }

  /// The genre's tokens: the built corpus under the corpora folder, built first if missing.
  public func data(progress: any PipelineProgress) throws -> TrainingData {
    let folder = location.build + "/" + genre.rawValue
    if !FileManager.default.fileExists(atPath: folder + "/manifest.json") {
      _ = try CorpusRequest(genres: [genre], location: location).build(into: location.build, progress: progress)
    }
    return try TrainingData.load(genreFolder: folder)
  }

  /// Trains; returns the final validation loss, and the data's size.
  public func run(progress: any PipelineProgress) throws -> (validationLoss: Double, data: TrainingData) {
    try validate()
    let data = try self.data(progress: progress)
    var settings = self.settings
    settings.config.vocabulary = data.vocabulary.size
    let trainer = try Trainer(settings: settings, data: data, folder: output)
    try progress.stage("training \(genre.rawValue)", at: 0)
    let loss = try trainer.run(resume: resume, stopAfter: stopAfter) { p in
      let val = p.valLoss.map { String(format: ", val %.3f", $0) } ?? ""
      progress.update(p.step, of: p.steps, from: 0, to: 1, item: String(format: "loss %.3f%@, %.0f tokens/s", p.loss, val, p.tokensPerSecond))
    }
    return (loss, data)
  }
}
