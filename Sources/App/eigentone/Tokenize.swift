import ArgumentParser
import Foundation
import Pipeline

extension Eigentone {
  /// `eigentone tokenize`: a score file's event tokens.
  struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a score file's event tokens (ids and names) as a music model reads them.",
      discussion: """
        Vocabulary (291 ids): 0 PAD, 1 BOS, 2 EOS, 3–130 NOTE_ON(pitch), 131–258 NOTE_OFF(pitch), \
        259–290 TIME_SHIFT(1–32 grid steps). Pitched parts are merged into one stream (drums left out); \
        at one instant NOTE_OFFs come before NOTE_ONs, each by rising pitch.
        """)

    @Argument(help: "The score file: .xml, .musicxml, .mxl, .krn, .abc, .mid.")
    var file: String

    @OptionGroup var tune: TuneOption

    @OptionGroup var grid: GridOptions

    @Flag(help: "Print {\"ids\": [...], \"tokens\": [...]} instead of one \"id name\" line per token.")
    var json = false

    func run() throws {
      let request = TokenizeRequest(input: file, tune: tune.tune, stepsPerQuarter: grid.grid)
      let tokens: TokenizeRequest.Tokens
      do { tokens = try request.run() } catch { throw ValidationError(error.description) }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(tokens), as: UTF8.self))
      } else {
        var out = ""
        for (id, name) in zip(tokens.ids, tokens.tokens) { out += "\(id) \(name)\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
      }
    }
  }
}
