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

/// The genres Eigentone ships: one line each. To add a genre, write a ``Composer`` in
/// `Genres/` and a preset `Compositions/NAME.yaml`, and list the type here; no other genre
/// changes.
public enum Composers {
  public static let all: [any Composer.Type] = [OperaComposer.self, HouseComposer.self, AcidComposer.self, SuiteComposer.self]

  public static func composer(for genre: String) -> (any Composer.Type)? { GenreRegistry.standard.composer(named: genre) }
}

/// The genres a front end offers, by name: the shipped ones (``standard``), and any a program
/// or a test adds with ``adding(_:)``.
public struct GenreRegistry: Sendable {
  public private(set) var composers: [any Composer.Type]

  public init(_ composers: [any Composer.Type]) { self.composers = composers }

  /// The genres Eigentone ships (``Composers/all``).
  public static let standard = GenreRegistry(Composers.all)

  /// The same genres and `composer` (which replaces a genre of the same name).
  public func adding(_ composer: any Composer.Type) -> GenreRegistry {
    GenreRegistry(composers.filter { $0.genre != composer.genre } + [composer])
  }

  /// The composer of `name` (case-insensitive), or nil.
  public func composer(named name: String) -> (any Composer.Type)? { composers.first { $0.genre == name.lowercased() } }

  /// The genre names, in order.
  public var names: [String] { composers.map { $0.genre } }
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
    let suggested = Key(parsing: portrait.summary.suggestedKey.name) ?? Key(root: PitchClass(0), mode: preset.mode)
    // The genre's preset fixes the mode (acid is phrygian); the model chooses the tonic.
    self.key = key ?? Key(root: suggested.root, mode: preset.mode)
    self.tempo = tempo ?? preset.tempo
  }

  /// The layers, in order.
  public var layers: [LayerPortrait] { portrait.layers }
}
