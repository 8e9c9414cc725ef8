public import Analysis
public import Score
public import Theory

/// A genre: turns a portrait into a score, following its preset. Adding a genre means adding
/// one type conforming to this protocol and one line in ``Composers/all``; no other composer
/// changes.
public protocol Composer: Sendable {
  /// The name used on the command line (`acid`).
  static var genre: String { get }
  /// One line for `eigentone genres`.
  static var summary: String { get }
  init()
  func compose(_ context: CompositionContext) throws -> Score
}

/// The registry of genres.
public enum Composers {
  public static let all: [any Composer.Type] = [OperaComposer.self, HouseComposer.self, AcidComposer.self, SuiteComposer.self]

  public static func composer(for genre: String) -> (any Composer.Type)? {
    all.first { $0.genre == genre.lowercased() }
  }
}

/// Why a score could not be composed.
public struct CompositionError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// What a composer works from: the portrait, the preset, and the key and tempo (suggested by
/// the model unless the user overrode them).
public struct CompositionContext: Sendable {
  public var portrait: Portrait
  public var preset: Preset
  public var key: Key
  public var tempo: Double

  public init(portrait: Portrait, preset: Preset, key: Key? = nil, tempo: Double? = nil) {
    self.portrait = portrait
    self.preset = preset
    let suggested = Key(parsing: portrait.summary.suggested_key.name) ?? Key(root: PitchClass(0), mode: preset.mode)
    // The genre's preset fixes the mode (acid is phrygian); the model chooses the tonic.
    self.key = key ?? Key(root: suggested.root, mode: preset.mode)
    self.tempo = tempo ?? preset.tempo
  }

  /// The layers, in order.
  public var layers: [LayerPortrait] { portrait.layers }
}
