/// A chord quality: its intervals above the root.
public enum ChordQuality: String, Sendable, Hashable, Codable, CaseIterable {
  case major, minor, diminished, augmented
  case major7 = "maj7", minor7 = "m7", dominant7 = "7", halfDiminished7 = "m7b5", diminished7 = "dim7"
  case sus2, sus4

  public var intervals: [Int] {
    switch self {
    case .major: [0, 4, 7]
    case .minor: [0, 3, 7]
    case .diminished: [0, 3, 6]
    case .augmented: [0, 4, 8]
    case .major7: [0, 4, 7, 11]
    case .minor7: [0, 3, 7, 10]
    case .dominant7: [0, 4, 7, 10]
    case .halfDiminished7: [0, 3, 6, 10]
    case .diminished7: [0, 3, 6, 9]
    case .sus2: [0, 2, 7]
    case .sus4: [0, 5, 7]
    }
  }

  /// The quality whose intervals are exactly `intervals` (sorted, from 0), if any.
  public init?(intervals: [Int]) {
    guard let q = ChordQuality.allCases.first(where: { $0.intervals == intervals }) else { return nil }
    self = q
  }
}

/// A chord: a root and a quality, voiced from a chosen octave.
public struct Chord: Sendable, Hashable, Codable, CustomStringConvertible {
  public var root: PitchClass
  public var quality: ChordQuality

  public init(root: PitchClass, quality: ChordQuality) {
    self.root = root
    self.quality = quality
  }

  /// The diatonic triad (or seventh chord) built in thirds on `degree` (0-based) of `scale`.
  /// Works for seven-note modes; other modes stack every other scale tone the same way.
  public init(scale: Scale, degree: Int, seventh: Bool = false) {
    let n = scale.degreeCount
    let intervals = scale.mode.intervals
    func semitone(_ d: Int) -> Int {
      let octave = d / n
      return intervals[d % n] + 12 * octave
    }
    let base = ((degree % n) + n) % n
    let stack = (seventh ? [0, 2, 4, 6] : [0, 2, 4]).map { semitone(base + $0) - semitone(base) }
    self.root = scale.root.transposed(by: intervals[base])
    self.quality = ChordQuality(intervals: stack) ?? (stack.count == 4 ? .dominant7 : .major)
  }

  /// Pitches of the chord in close position from the root in `octave`.
  public func pitches(octave: Int) -> [Pitch] {
    quality.intervals.compactMap { Pitch(midi: (octave + 1) * 12 + root.value + $0) }
  }

  /// "Dm7".
  public var description: String {
    switch quality {
    case .major: root.name
    case .minor: root.name + "m"
    case .diminished: root.name + "dim"
    case .augmented: root.name + "aug"
    default: root.name + quality.rawValue
    }
  }
}
