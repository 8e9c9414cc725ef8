import ArgumentParser
import Corpora
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone corpus`: the twelve genre corpora.
  struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The twelve genre corpora music models train on: list them, or tokenize them for training.",
      subcommands: [List.self, Build.self])

    /// `eigentone corpus list`.
    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "List the genres: pieces, notes, tokens, bigram entropy (nats/token, the baseline a model must beat) and licence.")

      @OptionGroup var corpora: CorporaOptions
      @OptionGroup var grid: GridOptions

      @Flag(help: "Print a JSON array of {name, pieces, notes, tokens, bigram_entropy, license}.")
      var json = false

      func run() throws {
        let request = CorpusRequest(genres: MusicGenre.allCases, location: corpora.location, stepsPerQuarter: grid.grid)
        let summaries = try PipelineRunner.withProgress { try request.list(progress: $0) }
        if json {
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
          print(String(decoding: try encoder.encode(summaries), as: UTF8.self))
          return
        }
        print("genre        pieces      notes     tokens  bigram  licence")
        for s in summaries {
          let row = s.name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %8d %10d %10d  %6.3f  ", s.pieces, s.notes, s.tokens, s.bigramEntropy)
          print(row + s.license)
        }
      }
    }

    /// `eigentone corpus build`.
    struct Build: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Tokenize a genre (or all) for training, with a deterministic ~90/10 train/validation split by a hash of each piece's id.",
        discussion: """
          Writes OUTPUT/GENRE/train.tokens and validation.tokens (little-endian UInt16 ids, each piece BOS … EOS), \
          OUTPUT/GENRE/manifest.json (every piece's id, split, offset and length) and OUTPUT/vocabulary.json.
          """)

      @Argument(help: "A genre (\(MusicGenre.names.joined(separator: ", "))) or all.")
      var genre: String

      @Option(name: .shortAndLong, help: "The folder to write (default: the corpora folder's build/).")
      var output: String?

      @Flag(name: .customLong("genre-tokens"), help: "Add one GENRE token per genre after BOS (one model for every genre).")
      var genreTokens = false

      @OptionGroup var corpora: CorporaOptions
      @OptionGroup var grid: GridOptions

      func validate() throws {
        do { _ = try CorpusRequest.genres(genre) } catch { throw ValidationError(error.description) }
      }

      func run() throws {
        let request = CorpusRequest(
          genres: try CorpusRequest.genres(genre), location: corpora.location, stepsPerQuarter: grid.grid, genreTokens: genreTokens)
        let folder = output ?? request.location.build
        let manifests = try PipelineRunner.withProgress { try request.build(into: folder, progress: $0) }
        for m in manifests {
          let train = m.pieces.filter { $0.split == .train }.count
          print(
            "\(m.genre): \(m.summary.pieces) pieces (\(train) train, \(m.summary.pieces - train) validation), \(m.summary.notes) notes, "
              + "\(m.trainTokens) + \(m.validationTokens) tokens, bigram \(String(format: "%.3f", m.summary.bigramEntropy)) nats/token"
              + (m.skipped.isEmpty ? "" : ", \(m.skipped.count) skipped") + " → \(folder)/\(m.genre)")
          for s in m.skipped.prefix(3) { FileHandle.standardError.write(Data("  skipped: \(s)\n".utf8)) }
        }
      }
    }
  }
}
