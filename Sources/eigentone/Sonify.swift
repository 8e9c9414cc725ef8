import Analysis
import ArgumentParser
import AtomicFile
import Checkpoint
import Foundation
import Inference
import Score
import Sonify
import StandardMIDI
import Theory
import Tokenizer

extension Eigentone {
  /// `eigentone sonify`: a prompt's hidden states, word by word and layer by layer, as music.
  struct SonifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sonify",
      abstract: "Hear a model think: run a prompt and turn its hidden states into music.",
      discussion: """
        words (default): one note per word in three voices, flute from an early layer, clarinet from \
        the middle layer, strings from the last, over a drone; pitch, loudness and length come from \
        each layer's principal components against a map fitted once on a reference corpus (1000 \
        WordNet example sentences; cached). thinking: a bar per layer in which every token is a voice.
        """)

    @Argument(help: "The prompt.")
    var prompt: String

    @OptionGroup var source: ModelArgument

    @Option(name: .shortAndLong, help: "The MIDI file to write.")
    var output: String

    @Option(help: "words or thinking.")
    var mode: ModeChoice = .words

    enum ModeChoice: String, ExpressibleByArgument, CaseIterable {
      case words, thinking
    }

    @Option(help: "Write the word timings (JSON: word, onset and duration in seconds).")
    var timing: String?

    @Option(help: "Also write the provenance table (JSON: layer, token, component and value of every note).")
    var provenance: String?

    @Option(help: "Fit the activation map on this file's lines instead of WordNet's example sentences.")
    var corpus: String?

    @Option(name: .customLong("corpus-size"), help: "How many reference sentences to fit on (8 to 5000).")
    var corpusSize = 1000

    @Option(help: "Override the key the model suggests, e.g. \"D dorian\".")
    var key: String?

    @Option(help: "Tempo, BPM.")
    var tempo: Double = 72

    @OptionGroup var audio: AudioOptions

    func validate() throws {
      guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("the prompt is empty") }
      guard prompt.utf8.count <= 4096 else { throw ValidationError("the prompt is longer than 4 KiB") }
      guard (8...5000).contains(corpusSize) else { throw ValidationError("--corpus-size must be between 8 and 5000") }
      guard (20...400).contains(tempo) else { throw ValidationError("--tempo must be between 20 and 400 BPM") }
      if let key, Theory.Key(parsing: key) == nil { throw ValidationError("--key \"\(key)\" is not a key such as \"D dorian\"") }
    }

    func run() throws {
      let environment = ProcessInfo.processInfo.environment
      let checkpoint = try source.open()
      let model = try LanguageModel(checkpoint: checkpoint)
      let tokenizer = try Next.tokenizer(for: checkpoint)
      let tokens = tokenizer.encode(prompt)
      guard tokens.count <= 512 else { throw ValidationError("the prompt has \(tokens.count) tokens; sonify takes at most 512") }
      // The activation map: cached beside the portraits, fitted once.
      let sentences = try corpus.map { try Corpus.lines(of: $0) } ?? Corpus.wordNet(count: corpusSize)
      let reference = Array(sentences.prefix(corpusSize))
      let mapPath = ActivationMap.cachePath(for: checkpoint, corpus: reference, environment: environment)
      let map: ActivationMap
      if let cached = ActivationMap.load(mapPath) {
        map = cached
      } else {
        let bar = ProgressBar("fitting the activation map")
        map = try ActivationMap.fit(model: try model.preloaded(), tokenizer: tokenizer, corpus: reference) { done, total in
          bar.update(done: done, total: total, item: "")
        }
        bar.finish()
        try map.store(mapPath)
      }
      let pass = try model.forward(tokens)
      // The key: given, or the one the model's weights suggest (its portrait, cached).
      let chosen: Theory.Key
      if let key, let parsed = Theory.Key(parsing: key) {
        chosen = parsed
      } else {
        chosen = Sonification.key(suggestedBy: try PortraitStore.portrait(for: checkpoint, options: AnalysisOptions(), useCache: true))
      }
      let sonification = Sonification(key: chosen, tempo: tempo)
      let (score, words) = try sonification.score(mode == .words ? .words : .thinking, pass: pass, map: map, tokenizer: tokenizer, prompt: prompt)
      try audio.check(score)
      try MIDIFileWriter.write(score, to: output)
      if let provenance { try AtomicFile.write(Array(try score.provenanceJSON()), to: provenance) }
      if let timing {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(words)), to: timing)
      }
      let rendered = try audio.export(score)
      let notes = score.tracks.reduce(0) { $0 + $1.notes.count }
      print(
        "sonify \(mode.rawValue): \(tokens.count) tokens, \(words.count) words, key \(sonification.key), \(notes) notes, "
          + String(format: "%.1f s", score.seconds(atBeat: score.length)) + " → \(output)" + (rendered.isEmpty ? "" : "; audio " + rendered))
    }
  }
}

