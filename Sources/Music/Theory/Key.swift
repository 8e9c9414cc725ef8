/// A key: a tonic pitch class and a mode ("D dorian").
public struct Key: Sendable, Hashable, Codable, CustomStringConvertible {
  public var root: PitchClass
  public var mode: Mode

  public init(root: PitchClass, mode: Mode) {
    self.root = root
    self.mode = mode
  }

  /// Parses `"D dorian"`, `"F# minor"`, `"Bb major"`, `"C"` (major when the mode is omitted),
  /// `"A harmonic minor"`, `"Eb-lydian"`.
  public init?(parsing text: String) {
    let parts = text.replacingAll(["-", "_"], with: " ").split(separator: " ").map(String.init)
    guard let first = parts.first, let root = PitchClass(name: first) else { return nil }
    let rest = parts.dropFirst().joined(separator: " ")
    guard let mode = rest.isEmpty ? .major : Mode(name: rest) else { return nil }
    self.init(root: root, mode: mode)
  }

  public var scale: Scale { Scale(root: root, mode: mode) }

  /// "D dorian".
  public var description: String { root.name + " " + mode.rawValue }

  /// The key signature as a count of fifths, −7…7 (flats negative), of the major key that
  /// shares this key's notes. Of two spellings the one with fewer accidentals wins; at the tie,
  /// six sharps or six flats, flats (G♭ rather than F♯) — unless the tonic is B, which six flats
  /// would write as C♭ (B lydian takes F♯ major's signature).
  public var fifths: Int {
    let majorTonic = root.transposed(by: mode.relativeMajorOffset).value
    // Circle of fifths position of each major tonic, choosing the spelling with fewer
    // accidentals.
    let table = [0, -5, 2, -3, 4, -1, -6, 1, -4, 3, -2, 5]
    if table[majorTonic] == -6 && root.value == 11 { return 6 }
    return table[majorTonic]
  }

  /// Pitch-class spelling that follows the key signature (flats in flat keys).
  public func spell(_ pc: PitchClass) -> String {
    fifths < 0 ? PitchClass.flatNames[pc.value] : PitchClass.sharpNames[pc.value]
  }
}
