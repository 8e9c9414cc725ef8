import ArgumentParser
import Corpora
import Foundation
import Pipeline
import Training

extension Eigentone {
  /// `eigentone train`: make a music model.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a small GPT-2-style music model on a genre's corpus (natively, on every core).",
      discussion: """
        Writes DIR/step-000000 (the initial model), DIR/step-NNNNNN every --save-every steps and DIR/final: \
        each a folder with model.safetensors (Hugging Face GPT-2 names), config.json and vocabulary.json, which \
        Hugging Face transformers and every eigentone command load. DIR/train.jsonl logs step, loss, val_loss, lr \
        and tokens_per_second; DIR/state holds what --resume needs. AdamW (β 0.9/0.95, weight decay 0.1 on \
        matrices and embeddings), linear warm-up then a cosine to a tenth, gradient clipping at 1.0.
        """)

    @Argument(help: "A genre (\(MusicGenre.names.joined(separator: ", "))) or all.")
    var genre: String

    @Option(name: .shortAndLong, help: "The folder to write (for all: one folder per genre inside it).")
    var output: String

    @Option(help: "Optimizer steps.") var steps = 1200
    @Option(help: "Windows per step.") var batch = 16
    @Option(help: "Peak learning rate.") var lr = 3e-4
    @Option(help: "Seed (initial weights and the order of the batches).") var seed: UInt64 = 1
    @Option(name: .customLong("save-every"), help: "A checkpoint every N steps (0: only the first and the last).") var saveEvery = 200
    @Option(name: .customLong("eval-every"), help: "Validation loss every N steps.") var evalEvery = 100
    @Flag(help: "Continue the run in DIR from its last saved state.") var resume = false
    @Flag(help: "Transpose each window by a random −5…+6 semitones.") var transpose = false
    @Option(name: .customLong("stop-after"), help: "Stop after N steps with the state saved (continue later with --resume).") var stopAfter: Int?

    @OptionGroup var shape: ModelShapeOptions
    @OptionGroup var corpora: CorporaOptions

    var settings: TrainingSettings {
      var s = TrainingSettings()
      s.config = shape.config
      s.steps = steps
      s.batch = batch
      s.learningRate = lr
      s.seed = seed
      s.saveEvery = saveEvery
      s.evalEvery = max(1, evalEvery)
      s.transpose = transpose
      return s
    }

    func validate() throws {
      do { _ = try CorpusRequest.genres(genre) } catch { throw ValidationError(error.description) }
      if let problem = settings.problem { throw ValidationError(problem) }
    }

    func run() throws {
      let genres = try CorpusRequest.genres(genre)
      var bigram: [String: Double] = [:]
      for g in genres {
        let folder = genres.count == 1 ? output : output + "/" + g.rawValue
        let request = TrainRequest(genre: g, output: folder, settings: settings, resume: resume, location: corpora.location, stopAfter: stopAfter)
        let start = Date()
        let (loss, data) = try PipelineRunner.withProgress { try request.run(progress: $0) }
        let seconds = Date().timeIntervalSince(start)
        bigram[g.rawValue] = data.bigramEntropy ?? .nan
        if let stopAfter, stopAfter < steps {
          print("\(g.rawValue): stopped after \(stopAfter) of \(steps) steps; state in \(folder)/state (continue with --resume)")
          continue
        }
        let tokens = Double(steps * batch * shape.context)
        print(
          String(
            format: "%@: %d steps of %d × %d tokens in %.1f s (%.0f tokens/s); validation loss %.3f nats/token → %@/final",
            g.rawValue, steps, batch, shape.context, seconds, tokens / max(seconds, 1e-9), loss, folder) + " (\(data.train.count) training tokens)")
      }
      if genres.count > 1 && stopAfter == nil {
        let page = try PipelineRunner.withProgress { progress in
          try GenreComparisonPage.write(
            folder: output, genres: genres.map(\.rawValue), bigram: bigram, seed: seed, models: PipelineRunner.models(), progress: progress)
        }
        print("the twelve models compared (piano rolls, samples, loss curves, validation against the bigram baseline) → \(page)")
      }
    }
  }
}
