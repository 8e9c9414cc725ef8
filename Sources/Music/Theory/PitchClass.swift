/// One of the twelve pitch classes, 0 = C … 11 = B (equal temperament, octave-equivalent).
public struct PitchClass: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// 0…11.
  public let value: Int

  /// Any integer, wrapped into 0…11.
  public init(_ value: Int) { self.value = ((value % 12) + 12) % 12 }

  /// Parses a note name: a letter A–G, then any number of `#`/`♯` or `b`/`♭` (`"C#"`, `"Bb"`,
  /// `"F♯"`, `"Cbb"`). Case-insensitive letter.
  public init?(name: String) {
    guard let first = name.first, let letter = Self.letters[Character(first.uppercased())] else { return nil }
    var v = letter
    for c in name.dropFirst() {
      switch c {
      case "#", "♯": v += 1
      case "b", "♭": v -= 1
      default: return nil
      }
    }
    self.init(v)
  }

  static let letters: [Character: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
  /// Names with sharps, by value.
  public static let sharpNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
  /// Names with flats, by value.
  public static let flatNames = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]

  /// The name with sharps ("C#").
  public var name: String { Self.sharpNames[value] }
  public var description: String { name }

  public static func < (a: PitchClass, b: PitchClass) -> Bool { a.value < b.value }

  /// The pitch class `semitones` above.
  public func transposed(by semitones: Int) -> PitchClass { PitchClass(value + semitones) }
}
