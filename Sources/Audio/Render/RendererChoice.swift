public import Score
public import Synthesis

/// Which synthesizer turns a score into audio. Parsed from `--renderer` and from the studio's
/// JSON (`"renderer"`), listed by `GET /api/renderers`.
public enum RendererChoice: String, Sendable, Hashable, Codable, CaseIterable {
  /// FluidSynth with a General MIDI soundfont (Debian's FluidR3_GM by default).
  case fluidsynth
  /// Eigentone's own synthesizer: Karplus–Strong strings, FM, a TB-303, 808/909 drums, supersaw.
  case builtin

  /// A short label for the studio page's menu.
  public var summary: String {
    switch self {
    case .fluidsynth: "FluidSynth (General MIDI)"
    case .builtin: "Built-in synthesizer"
    }
  }

  /// The exporter for this renderer. `soundfont` overrides the soundfont search
  /// (`$EIGENTONE_SOUNDFONT`, then Debian's fonts); `reverb` is the built-in synthesizer's room
  /// (a genre's preset may set one).
  public func exporter(
    soundfont: String? = nil, sampleRate: Int = 44_100, reverb: Freeverb.Settings? = nil, environment: [String: String]
  ) throws(RenderError) -> AudioExport {
    switch self {
    case .builtin:
      return AudioExport(renderer: BuiltinRenderer(sampleRate: Double(sampleRate), reverb: reverb ?? .room))
    case .fluidsynth:
      guard let font = FluidSynthRenderer.findSoundFont(soundfont, environment: environment) else { throw .noSoundFont }
      return AudioExport(renderer: FluidSynthRenderer(soundFont: font, sampleRate: Double(sampleRate)))
    }
  }

  /// Throws before anything is written when this renderer cannot play `score` (a part naming
  /// a built-in patch that does not exist).
  public func check(_ score: Score) throws(RenderError) {
    guard self == .builtin else { return }
    for track in score.tracks { _ = try BuiltinRenderer.patch(for: track) }
  }
}
