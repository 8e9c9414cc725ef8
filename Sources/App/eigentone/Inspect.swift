import Anatomy
import ArgumentParser

extension Eigentone {
  /// `eigentone inspect`: architecture, sizes, dtypes and the role of every tensor, from
  /// headers only.
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a model's architecture, sizes, dtypes and per-layer tensor roles.",
      discussion: "Reads headers only, so it answers at once whatever the model's size.")

    @OptionGroup var source: ModelArgument

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() throws {
      let checkpoint = try source.open()
      let report = ModelReport(checkpoint: checkpoint, anatomy: Anatomy(checkpoint: checkpoint))
      print(json ? try report.json() : report.text(), terminator: "")
    }
  }
}
