import ArgumentParser
import Corpora
import MusicTokens
import Pipeline

/// `--grid`: the token grid, shared by `tokenize` and `corpus`.
struct GridOptions: ParsableArguments {
  @Option(help: "Token grid steps per quarter note: 4 = sixteenths (the default; triplets round to it), 12 = sixteenths and triplets.")
  var grid = EventVocabulary.defaultStepsPerQuarter

  func validate() throws {
    guard Limits.gridSteps.contains(grid) else {
      throw ValidationError("--grid must be \(Limits.gridSteps.lowerBound)…\(Limits.gridSteps.upperBound) steps per quarter note")
    }
  }
}

/// `--corpora`: where the corpora are, shared by the `corpus` commands.
struct CorporaOptions: ParsableArguments {
  @Option(help: "The corpora folder (default: $EIGENTONE_CORPORA, then corpora/, where scripts/bootstrap unpacks music21's corpus).")
  var corpora: String?

  var location: CorpusLocation { CorpusLocation.resolve(corpora) }
}

/// `--tune`: which tune of a multi-tune ABC file.
struct TuneOption: ParsableArguments {
  @Option(help: "For an ABC file of many tunes: the tune's reference number (X:); default the first.")
  var tune: Int?
}
