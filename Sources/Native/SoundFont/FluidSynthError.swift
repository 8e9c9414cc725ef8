/// Why FluidSynth could not be set up.
public enum FluidSynthError: Error, Hashable, Sendable, CustomStringConvertible {
  case cannotCreateSynth
  case cannotLoadSoundFont(path: String)

  public var description: String {
    switch self {
    case .cannotCreateSynth: "FluidSynth could not create a synthesizer"
    case .cannotLoadSoundFont(let path): "\(path): FluidSynth could not load this soundfont"
    }
  }
}
