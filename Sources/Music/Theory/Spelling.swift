/// How a pitch is written on the staff: a letter, an alteration and an octave (the octave of the
/// letter, so C♭4 is MIDI 59 and B♯3 is MIDI 60).
public struct Spelling: Sendable, Hashable, Codable, CustomStringConvertible {
  /// "C" … "B".
  public var step: String
  /// Semitones added to the letter: −2…2 (−1 = ♭, 1 = ♯).
  public var alter: Int
  /// Octave of the letter in scientific notation.
  public var octave: Int

  public init(step: String, alter: Int, octave: Int) {
    self.step = step
    self.alter = alter
    self.octave = octave
  }

  /// "Cb4", "F#5".
  public var description: String {
    step + String(repeating: alter < 0 ? "b" : "#", count: abs(alter)) + String(octave)
  }
}

extension Pitch {
  /// The spelling a key signature of `fifths` (−7…7, flats negative) asks for.
  ///
  /// The seven notes of the key are spelt with the key's own letters (C♭ in G♭ major, E♯ in
  /// F♯ major); in a minor key the raised sixth and seventh are too (F♯ and G♯ in A minor), so
  /// a leading tone is never written as a flat. Other notes take sharps in sharp keys and
  /// C major, flats in flat keys.
  public func spelled(fifths: Int, minor: Bool = false) -> Spelling {
    // Positions on the line of fifths (0 = C, 1 = G, −1 = F): a major key's notes are
    // fifths − 1 … fifths + 5; a minor key (tonic at fifths + 3) adds fifths + 6 and + 8.
    var preferred = Array((fifths - 1)...(fifths + 5))
    if minor { preferred += [fifths + 6, fifths + 8] }
    let chromatic = fifths < 0 ? Array(-6...5) : Array(-1...10)
    let pc = pitchClass.value
    let position = (preferred + chromatic).first { PitchClass($0 * 7).value == pc } ?? 0
    let letters = ["F", "C", "G", "D", "A", "E", "B"]
    let index = position + 1
    let wrapped = ((index % 7) + 7) % 7
    let alter = (index - wrapped) / 7
    let natural = midi - alter
    return Spelling(step: letters[wrapped], alter: alter, octave: Int((Double(natural) / 12).rounded(.down)) - 1)
  }
}
