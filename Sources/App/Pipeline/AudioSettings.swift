public import Render

/// How scores become audio: the renderer and the format. Shared by every request that
/// renders (compose, compare, sonify, render), filled from `--renderer`/`--sample-rate`/
/// `--bit-depth` or from a studio request.
public struct AudioSettings: Sendable, Hashable {
  public var renderer: RendererChoice
  /// Hz, in ``Limits/sampleRate``.
  public var sampleRate: Int
  /// 16, 24 or 32 (32: float WAV only).
  public var bitDepth: Int
  /// Master to -14 LUFS and -1 dBTP (off: the synthesizer's raw output).
  public var master: Bool

  public init(renderer: RendererChoice = .fluidsynth, sampleRate: Int = Limits.defaultSampleRate, bitDepth: Int = Limits.defaultBitDepth, master: Bool = true) {
    self.renderer = renderer
    self.sampleRate = sampleRate
    self.bitDepth = bitDepth
    self.master = master
  }

  /// Throws when the format cannot be written to `paths`.
  public func validate(paths: [String]) throws(PipelineError) {
    guard Limits.bitDepths.contains(bitDepth) else { throw .badRequest("the bit depth must be 16, 24 or 32") }
    guard Limits.sampleRate.contains(sampleRate) else {
      throw .badRequest("the sample rate must be between \(Limits.sampleRate.lowerBound) and \(Limits.sampleRate.upperBound)")
    }
    if paths.contains(where: { $0.lowercased().hasSuffix(".flac") }) && !Limits.flacBitDepths.contains(bitDepth) {
      throw .badRequest("FLAC holds 16 or 24 bits; use a bit depth of 16 or 24")
    }
  }
}
