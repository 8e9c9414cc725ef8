import ArgumentParser
import Foundation
import Pipeline
import Theory
import Training

extension Eigentone {
  /// `eigentone sample`: a piece from a trained model.
  struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw a piece from a model `eigentone train` made (from BOS, or continuing a MIDI prompt).",
      discussion: """
        Temperature divides the logits (near 0 always takes the likeliest token: repetitive); top-k keeps the k \
        likeliest tokens, top-p the fewest whose probability reaches p. --key masks NOTE_ONs outside the scale. \
        The same seed gives the same piece; the output always decodes to a valid score.
        """)

    @Argument(help: "A model folder (DIR/final, DIR/step-000400) or a training folder (its final is used).")
    var model: String

    @Option(name: .shortAndLong, help: "The MIDI file to write.") var output: String
    @Option(help: "Length, in seconds at --tempo.") var seconds = 30.0
    @Option(help: "Tempo, BPM.") var tempo = 96.0
    @Option(help: "Sampling temperature.") var temperature = 0.9
    @Option(name: .customLong("top-k"), help: "Keep the k likeliest tokens (0: all).") var topK = 40
    @Option(name: .customLong("top-p"), help: "Nucleus: keep the likeliest tokens up to this probability.") var topP: Double?
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "A MIDI (or any score) file to continue.") var prompt: String?
    @Option(help: "Only notes of this scale, e.g. \"D dorian\".") var key: String?
    @Option(help: "Also write the score as MusicXML 4.0.") var musicxml: String?
    @OptionGroup var audio: AudioOptions

    func request() throws -> SampleRequest {
      var s = SampleSettings()
      s.seconds = seconds
      s.tempo = tempo
      s.temperature = temperature
      s.topK = topK
      s.topP = topP
      s.seed = seed
      if let key {
        guard let k = Key(parsing: key) else { throw ValidationError("--key \"\(key)\" is not a key such as \"D dorian\" or \"F# minor\"") }
        s.allowedPitchClasses = Set((0..<12).filter { k.scale.contains(Pitch(clamping: 60 + $0)) })
      }
      return SampleRequest(
        model: model, settings: s, prompt: prompt, audio: audio.settings(), outputs: ScoreOutputs(midi: output, musicXML: musicxml, audio: audio.paths))
    }

    func validate() throws { try PipelineRunner.validate(try request(), soundfont: audio.soundfont) }

    func run() throws {
      let result = try PipelineRunner.run(try request(), soundfont: audio.soundfont)
      print("\(result.summary) → \(output)" + (result.audio.map { "; audio " + $0.line } ?? ""))
    }
  }

  /// `eigentone evaluate`: a model's loss on files.
  struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Mean loss (nats/token) of a trained model on score files, over the ids `eigentone tokenize` gives.",
      discussion: """
        Position t predicts id t from the ids before it (t ≥ 1); a file longer than the context is taken in \
        consecutive non-overlapping windows of the context length, each predicting its tokens after its first.
        """)

    @Argument(help: "A model folder or a training folder.") var model: String
    @Argument(help: "Score files (.mid, .xml, .mxl, .krn, .abc).") var files: [String]
    @Flag(help: "Print {\"loss\": L, \"tokens\": N, \"files\": [...]}.") var json = false

    func run() throws {
      let result: EvaluateRequest.Result
      do { result = try EvaluateRequest(model: model, files: files).run() } catch { throw ValidationError(error.description) }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
      } else {
        for f in result.files { print(String(format: "%8.4f nats/token over %6d tokens  %@", f.loss, f.tokens, f.file)) }
        print(String(format: "%8.4f nats/token over %6d tokens  (all)", result.loss, result.tokens))
      }
    }
  }
}
