#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A pitch as a MIDI note number, 0…127 (60 = middle C = C4, 69 = A4).
///
/// MIDI numbers are chosen because every score, file and synthesizer in Eigentone speaks
/// them; spelled names and frequencies are derived.
public struct Pitch: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// MIDI note number, 0…127.
  public let midi: Int

  /// A pitch from a MIDI number, or `nil` outside 0…127.
  public init?(midi: Int) {
    guard (0...127).contains(midi) else { return nil }
    self.midi = midi
  }

  /// A pitch from a MIDI number clamped to 0…127.
  public init(clamping midi: Int) { self.midi = min(127, max(0, midi)) }

  /// Parses scientific pitch notation: a note name and an octave (`"A4"`, `"C#3"`, `"Bb-1"`),
  /// where C4 is MIDI 60.
  public init?(name: String) {
    var letters = Substring(name)
    var digits = ""
    while let last = letters.last, last.isNumber || (last == "-" && !digits.isEmpty) {
      digits = String(last) + digits
      letters.removeLast()
      if last == "-" { break }
    }
    guard let octave = Int(digits), let pc = PitchClass(name: String(letters)) else { return nil }
    // Account for spellings that cross the octave (B#3 is C4, Cb4 is B3).
    let letterValue = PitchClass.letters[Character(letters.prefix(1).uppercased())] ?? 0
    let accidental = letters.dropFirst().reduce(0) { $0 + (($1 == "#" || $1 == "♯") ? 1 : -1) }
    let midi = (octave + 1) * 12 + letterValue + accidental
    guard (0...127).contains(midi), PitchClass(midi) == pc else { return nil }
    self.midi = midi
  }

  public var pitchClass: PitchClass { PitchClass(midi) }
  /// Octave number in scientific notation (C4 = 60 is octave 4).
  public var octave: Int { midi / 12 - 1 }
  /// "C#4".
  public var name: String { pitchClass.name + String(octave) }
  public var description: String { name }

  /// Frequency in Hz in twelve-tone equal temperament, with A4 at `reference` Hz (440 by
  /// default; 415 or 432 for other tunings).
  public func frequency(reference: Double = 440) -> Double {
    reference * pow(2, Double(midi - 69) / 12)
  }

  /// The pitch `semitones` away, clamped to 0…127.
  public func transposed(by semitones: Int) -> Pitch { Pitch(clamping: midi + semitones) }

  public static func < (a: Pitch, b: Pitch) -> Bool { a.midi < b.midi }
}
