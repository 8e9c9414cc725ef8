public import Anatomy
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
  /// The file it was read from (for errors).
  public var file: String
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

  /// The mapping for `target`, which the preset must give: a genre's defaults live only in its
  /// YAML file.
  public func mapping(_ target: String) throws(CompositionError) -> Mapping {
    guard let m = mappings[target], m.source != nil else { throw CompositionError("\(file): mappings.\(target) is missing (the \(genre) genre reads it)") }
    return m
  }

  /// The mapping for `target` and the statistic it reads, which must be one number per layer
  /// (a layer aggregate or `role.statistic`).
  public func scalarMapping(_ target: String) throws(CompositionError) -> (mapping: Mapping, statistic: Statistic) {
    let m = try mapping(target)
    guard let s = m.source else { throw CompositionError("\(file): mappings.\(target) is missing") }
    if case .vector = s {
      throw CompositionError("\(file)\(m.line.map { ":\($0)" } ?? ""): mappings.\(target).from: \(s) is a series; \(target) needs one number per layer")
    }
    return (m, s)
  }

  /// The mapping for `target` and the series it reads (`role.row_norms`, `column_norms`,
  /// `singular_values`).
  public func vectorMapping(_ target: String) throws(CompositionError) -> (mapping: Mapping, role: Role, statistic: Statistic.VectorStatistic) {
    let m = try mapping(target)
    guard case .vector(let role, let v) = m.source else {
      throw CompositionError(
        "\(file)\(m.line.map { ":\($0)" } ?? ""): mappings.\(target).from: \(target) needs a series (ROLE.row_norms, ROLE.column_norms or ROLE.singular_values)")
    }
    return (m, role, v)
  }

  /// A genre setting, which the preset must give.
  public func setting(_ key: String) throws(CompositionError) -> Double {
    guard let v = settings[key] else { throw CompositionError("\(file): settings.\(key) is missing (the \(genre) genre reads it)") }
    return v
  }

  /// The bars of the form's section called `name`, which the preset must give.
  public func sectionBars(_ name: String) throws(CompositionError) -> Int {
    guard let section = form.first(where: { $0.name == name }) else {
      throw CompositionError("\(file): form has no section named \(name) (the \(genre) genre plays one)")
    }
    return section.bars
  }

  /// An optional genre setting.
  public func optionalSetting(_ key: String) -> Double? { settings[key] }
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
