public import Theory

/// A genre's editable settings, read from a YAML file in `Compositions/`: tempo, form,
/// instrumentation, scale, and the mapping table from weight statistics to musical
/// parameters. Copy one, edit it, pass it with `--preset`.
public struct Preset: Sendable, Hashable {
  /// One part of the instrumentation.
  public struct Part: Sendable, Hashable {
    public var name: String
    /// MIDI channel, 1…16 as musicians count (10 = drums).
    public var channel: Int
    /// General MIDI program, 0…127.
    public var program: Int
    public var drums: Bool
    /// Built-in synthesizer patch.
    public var patch: String
    public var range: ClosedRange<Pitch>
  }

  /// A section of the form.
  public struct Section: Sendable, Hashable {
    public var name: String
    public var bars: Int
  }

  public var genre: String
  public var description: String
  /// Quarter notes per minute.
  public var tempo: Double
  public var timeSignature: (numerator: Int, denominator: Int)
  public var mode: Mode
  public var form: [Section]
  public var parts: [Part]
  public var mappings: [String: Mapping]
  /// Genre-specific numbers (bars per layer, pattern steps, ...).
  public var settings: [String: Double]

  public static func == (a: Preset, b: Preset) -> Bool {
    a.genre == b.genre && a.description == b.description && a.tempo == b.tempo && a.timeSignature == b.timeSignature
      && a.mode == b.mode && a.form == b.form && a.parts == b.parts && a.mappings == b.mappings && a.settings == b.settings
  }

  public func hash(into h: inout Hasher) {
    h.combine(genre)
    h.combine(tempo)
  }

  /// The part called `name`.
  public func part(_ name: String) -> Part? { parts.first { $0.name == name } }

  /// The mapping for `target`, or a neutral one (rank-normalised onto 0…1).
  public func mapping(_ target: String) -> Mapping {
    mappings[target] ?? Mapping(source: "", normalize: .rank, range: 0...1, curve: .linear, quantize: nil, threshold: nil)
  }

  /// A genre setting, or `fallback`.
  public func setting(_ key: String, _ fallback: Double) -> Double { settings[key] ?? fallback }
}

/// A bad preset: names the key and the line.
public struct PresetError: Error, Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var key: String
  public var reason: String

  public var description: String {
    "\(file)\(line.map { ":\($0)" } ?? ""): \(key): \(reason)"
  }
}
