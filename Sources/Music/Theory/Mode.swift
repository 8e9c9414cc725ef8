/// A scale pattern: the semitone offsets of its degrees from the root.
public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
  case major
  case naturalMinor = "minor"
  case harmonicMinor = "harmonic minor"
  case melodicMinor = "melodic minor"
  case dorian, phrygian, lydian, mixolydian, locrian
  case majorPentatonic = "major pentatonic"
  case minorPentatonic = "minor pentatonic"
  case wholeTone = "whole tone"
  case chromatic

  /// Semitones above the root, ascending, starting with 0.
  public var intervals: [Int] {
    switch self {
    case .major: [0, 2, 4, 5, 7, 9, 11]
    case .naturalMinor: [0, 2, 3, 5, 7, 8, 10]
    case .harmonicMinor: [0, 2, 3, 5, 7, 8, 11]
    case .melodicMinor: [0, 2, 3, 5, 7, 9, 11]
    case .dorian: [0, 2, 3, 5, 7, 9, 10]
    case .phrygian: [0, 1, 3, 5, 7, 8, 10]
    case .lydian: [0, 2, 4, 6, 7, 9, 11]
    case .mixolydian: [0, 2, 4, 5, 7, 9, 10]
    case .locrian: [0, 1, 3, 5, 6, 8, 10]
    case .majorPentatonic: [0, 2, 4, 7, 9]
    case .minorPentatonic: [0, 3, 5, 7, 10]
    case .wholeTone: [0, 2, 4, 6, 8, 10]
    case .chromatic: Array(0..<12)
    }
  }

  /// Parses a mode name, with the common aliases (`ionian` = major, `aeolian` = minor,
  /// `harmonic` and `melodic` for the minors), case-insensitively; hyphens, underscores and
  /// spaces are interchangeable.
  public init?(name: String) {
    let key = name.lowercased().replacingAll(["-", "_"], with: " ")
    switch key {
    case "major", "ionian", "maj": self = .major
    case "minor", "natural minor", "aeolian", "min": self = .naturalMinor
    case "harmonic minor", "harmonic": self = .harmonicMinor
    case "melodic minor", "melodic": self = .melodicMinor
    case "pentatonic", "major pentatonic": self = .majorPentatonic
    case "minor pentatonic": self = .minorPentatonic
    case "whole tone", "wholetone": self = .wholeTone
    default:
      guard let m = Mode(rawValue: key) else { return nil }
      self = m
    }
  }

  /// Semitones from the root of this mode up to the tonic of the major key with the same key
  /// signature (D dorian → C major: 10). Used for key signatures.
  var relativeMajorOffset: Int {
    switch self {
    case .major, .majorPentatonic, .wholeTone, .chromatic: 0
    case .dorian: 10
    case .phrygian: 8
    case .lydian: 7
    case .mixolydian: 5
    case .naturalMinor, .harmonicMinor, .melodicMinor, .minorPentatonic: 3
    case .locrian: 1
    }
  }

  /// Whether the key signature is written as minor (`mi = 1` in MIDI, `<mode>minor` in
  /// MusicXML).
  public var isMinor: Bool {
    switch self {
    case .naturalMinor, .harmonicMinor, .melodicMinor, .minorPentatonic: true
    default: false
    }
  }
}

extension String {
  func replacingAll(_ targets: [Character], with replacement: Character) -> String {
    String(map { targets.contains($0) ? replacement : $0 })
  }
}
