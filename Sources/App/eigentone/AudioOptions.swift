public import ArgumentParser
import Pipeline
import Render
import Theory

/// The audio outputs shared by `compose`, `compare`, `render` and `sonify`.
struct AudioOptions: ParsableArguments {
  @Option(help: "Render to this WAV file (mastered to -14 LUFS, true peak -1 dBTP).")
  var wav: String?

  @Option(help: "Render to this FLAC file.")
  var flac: String?

  @Option(help: "The renderer: fluidsynth (a General MIDI soundfont) or builtin (Eigentone's own synthesizer: Karplus-Strong strings, FM, a TB-303, 808/909 drums, supersaw).")
  var renderer: RendererChoice = .fluidsynth

  @Option(help: "The soundfont (.sf2); default: $EIGENTONE_SOUNDFONT, then Debian's FluidR3_GM or TimGM6mb.")
  var soundfont: String?

  @Option(name: .customLong("sample-rate"), help: "Sample rate of the audio, Hz.")
  var sampleRate = Limits.defaultSampleRate

  @Option(name: .customLong("bit-depth"), help: "16, 24, or 32 (float WAV only).")
  var bitDepth = Limits.defaultBitDepth

  /// The audio files asked for.
  var paths: [String] { [wav, flac].compactMap { $0 } }

  /// The settings for a request (`master` off: the synthesizer's raw output).
  func settings(master: Bool = true) -> AudioSettings {
    AudioSettings(renderer: renderer, sampleRate: sampleRate, bitDepth: bitDepth, master: master)
  }

  func validate() throws {
    do {
      try settings().validate(paths: paths)
    } catch {
      throw ValidationError(error.description)
    }
  }
}

/// `--key` and `--tempo`, shared by `compose` and `sonify`.
struct KeyTempoOptions: ParsableArguments {
  @Option(help: "Override the key the model suggests, e.g. \"D dorian\".")
  var key: String?

  @Option(help: "Override the tempo, in BPM (20 to 400; default: the preset's, or 72 for sonify).")
  var tempo: Double?

  /// The key, parsed.
  func parsedKey() throws -> Theory.Key? {
    do {
      return try Check.key(key)
    } catch {
      throw ValidationError("--key \(error.description)")
    }
  }

  func validate() throws {
    _ = try parsedKey()
    do {
      try Check.tempo(tempo)
    } catch {
      throw ValidationError("--tempo must be between \(Int(Limits.tempo.lowerBound)) and \(Int(Limits.tempo.upperBound)) BPM")
    }
  }
}

/// `--corpus` and `--corpus-size`: the reference sentences an activation map is fitted on.
struct CorpusOptions: ParsableArguments {
  @Option(help: "Fit the activation map on this file's lines instead of WordNet's example sentences.")
  var corpus: String?

  @Option(name: .customLong("corpus-size"), help: "How many reference sentences to fit on (8 to 5000).")
  var corpusSize = Limits.defaultCorpusSize

  var choice: SonifyRequest.Corpus { corpus.map { .file($0, count: corpusSize) } ?? .wordNet(count: corpusSize) }

  func validate() throws {
    do {
      try Check.corpusSize(corpusSize)
    } catch {
      throw ValidationError("--corpus-size must be between \(Limits.corpusSize.lowerBound) and \(Limits.corpusSize.upperBound)")
    }
  }
}

extension RendererChoice: ExpressibleByArgument {}
