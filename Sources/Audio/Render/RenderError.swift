import Synthesis
/// Why a score cannot be rendered.
public enum RenderError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A part names a built-in patch that does not exist.
  case unknownPatch(String, part: String)
  /// The FluidSynth renderer found no General MIDI soundfont.
  case noSoundFont

  public var description: String {
    switch self {
    case .unknownPatch(let name, let part):
      "part \"\(part)\" names the built-in patch \"\(name)\", which does not exist; patches: \(Synthesis.Patch.names.joined(separator: ", "))"
    case .noSoundFont:
      "no soundfont found: pass --soundfont or install fluid-soundfont-gm (scripts/bootstrap does)"
    }
  }
}
