public import Score

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

extension FluidSynthRenderer: ScoreRenderer {}
