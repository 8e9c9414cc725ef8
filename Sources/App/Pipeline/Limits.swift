public import Theory
import Foundation
/// Every limit and default a request is checked against, in one place: the command line's
/// `validate()`, the studio's JSON requests and `GET /api/limits` (which the page reads) all
/// use these.
public enum Limits {
  /// Tempo overrides, quarter notes per minute: slower is a drone, faster a blur.
  public static let tempo: ClosedRange<Double> = 20...400
  /// Token grid steps per quarter note (`--grid`): 4 is sixteenths, 12 adds triplets; 48
  /// resolves a 64th-note triplet.
  public static let gridSteps: ClosedRange<Int> = 1...48
  /// Sonify's default tempo, BPM: slow enough to follow the words.
  public static let sonifyTempo: Double = 72
  /// Longest prompt `sonify` accepts, UTF-8 bytes.
  public static let promptBytes = 4096
  /// Most tokens a sonified prompt may have: attention is quadratic and every token is a voice.
  public static let promptTokens = 512
  /// Tokens `eigentone generate` writes at most, and by default.
  public static let generatedTokens: ClosedRange<Int> = 1...2048
  public static let defaultGeneratedTokens = 64
  /// Longest prompt `next` accepts, UTF-8 bytes (it only ranks next tokens, so more is fine).
  public static let nextPromptBytes = 16_384
  /// How many next tokens `next --top` may list.
  public static let nextTop: ClosedRange<Int> = 1...100
  /// Reference sentences an activation map is fitted on: fewer fit faster and place notes less
  /// reliably.
  public static let corpusSize: ClosedRange<Int> = 8...5000
  /// The reference corpus size used unless one is given.
  public static let defaultCorpusSize = 1000
  /// Audio sample rates, Hz.
  public static let sampleRate: ClosedRange<Int> = 8_000...96_000
  /// The sample rate used unless one is given, Hz.
  public static let defaultSampleRate = 44_100
  /// Bits per sample of WAV files (32 is float); FLAC holds 16 or 24.
  public static let bitDepths = [16, 24, 32]
  /// Bits per sample of FLAC files.
  public static let flacBitDepths = [16, 24]
  /// Bits per sample the command line writes unless told; the studio serves 16-bit FLAC, which
  /// every browser plays.
  public static let defaultBitDepth = 24
  /// Bits per sample of the studio's FLAC files.
  public static let studioBitDepth = 16
  /// The studio's largest request body, bytes: a prompt is at most ``promptBytes``, so 64 KiB
  /// leaves room for JSON escaping without letting a client make the server buffer megabytes.
  public static let requestBodyBytes = 64 * 1024
  /// Jobs the studio runs at once (`serve --jobs`).
  public static let concurrentJobs: ClosedRange<Int> = 1...16
  /// Jobs the studio keeps waiting before it answers 503 (`serve --queue`).
  public static let queuedJobs: ClosedRange<Int> = 1...1024
  /// The default number of waiting jobs.
  public static let defaultQueuedJobs = 32
  /// Seconds a client is told to wait (`Retry-After`) when the queue is full.
  public static let retryAfterSeconds = 5
  /// TCP ports.
  public static let port: ClosedRange<Int> = 0...65_535
}

/// The checks every front end shares, each with one wording.
public enum Check {
  /// A tempo override in ``Limits/tempo``.
  public static func tempo(_ tempo: Double?) throws(PipelineError) {
    if let tempo, !Limits.tempo.contains(tempo) {
      throw .badRequest("the tempo must be between \(Int(Limits.tempo.lowerBound)) and \(Int(Limits.tempo.upperBound)) BPM")
    }
  }

  /// A key such as "D dorian"; nil or empty text is no override.
  public static func key(_ text: String?) throws(PipelineError) -> Key? {
    guard let text, !text.isEmpty else { return nil }
    guard let key = Key(parsing: text) else { throw .badRequest("\"\(text.prefix(100))\" is not a key such as \"D dorian\" or \"F# minor\"") }
    return key
  }

  /// A reference-corpus size in ``Limits/corpusSize``.
  public static func corpusSize(_ size: Int) throws(PipelineError) {
    guard Limits.corpusSize.contains(size) else {
      throw .badRequest("the corpus size must be between \(Limits.corpusSize.lowerBound) and \(Limits.corpusSize.upperBound)")
    }
  }

  /// A prompt for `sonify`: not blank, at most ``Limits/promptBytes``.
  public static func prompt(_ prompt: String, maxBytes: Int = Limits.promptBytes) throws(PipelineError) {
    guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .badRequest("the prompt is empty") }
    guard prompt.utf8.count <= maxBytes else { throw .tooLarge("the prompt is longer than \(maxBytes / 1024) KiB (\(maxBytes) bytes)") }
  }
}
