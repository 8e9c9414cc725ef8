public import Score
import Dispatch
import Synchronization

/// Turns a score into interleaved stereo samples: FluidSynth with a soundfont, or Eigentone's
/// own synthesizer.
public protocol ScoreRenderer: Sendable {
  /// Hz.
  var sampleRate: Double { get }
  /// Interleaved stereo samples of `score`, or of only the tracks at `only`, ending when the
  /// last note's release (and reverb tail) has died away.
  func render(_ score: Score, only: Set<Int>?) throws -> [Float]
  /// One rendering per track, each with its own effects.
  func renderStems(_ score: Score) throws -> [[Float]]
}

extension ScoreRenderer {
  /// One rendering per track, in parallel (each with its own synthesizer and effects).
  public func renderStems(_ score: Score) throws -> [[Float]] {
    let results = Mutex<[Int: Result<[Float], any Error>]>([:])
    DispatchQueue.concurrentPerform(iterations: score.tracks.count) { i in
      let r = Result { try render(score, only: [i]) }
      results.withLock { $0[i] = r }
    }
    let collected = results.withLock { $0 }
    return try score.tracks.indices.map { i in try (collected[i] ?? .failure(CancellationError())).get() }
  }
}

extension FluidSynthRenderer: ScoreRenderer {}
