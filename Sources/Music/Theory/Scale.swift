/// The pitches of a mode on a root, with the operations composers need: degrees across
/// octaves, membership, snapping, and mapping a number onto the scale within a range.
public struct Scale: Sendable, Hashable, Codable {
  public var root: PitchClass
  public var mode: Mode

  public init(root: PitchClass, mode: Mode) {
    self.root = root
    self.mode = mode
  }

  /// Number of degrees per octave.
  public var degreeCount: Int { mode.intervals.count }

  /// Whether `pitch` belongs to the scale.
  public func contains(_ pitch: Pitch) -> Bool {
    mode.intervals.contains(PitchClass(pitch.midi - root.value).value)
  }

  /// Scale pitches inside `range`, ascending.
  public func pitches(in range: ClosedRange<Pitch>) -> [Pitch] {
    (range.lowerBound.midi...range.upperBound.midi).compactMap { m in
      Pitch(midi: m).flatMap { contains($0) ? $0 : nil }
    }
  }

  /// The pitch of `degree` (0-based, may be negative or exceed one octave) counted from the
  /// root in `octave` (scientific numbering), or `nil` outside MIDI's range.
  public func pitch(degree: Int, octave: Int) -> Pitch? {
    let n = degreeCount
    let octaveShift = degree >= 0 ? degree / n : -((-degree + n - 1) / n)
    let index = degree - octaveShift * n
    return Pitch(midi: (octave + 1 + octaveShift) * 12 + root.value + mode.intervals[index])
  }

  /// The scale pitch nearest to `pitch` (ties go down).
  public func snap(_ pitch: Pitch) -> Pitch {
    for distance in 0...12 {
      for candidate in [pitch.midi - distance, pitch.midi + distance] {
        if let p = Pitch(midi: candidate), contains(p) { return p }
      }
    }
    return pitch
  }

  /// Maps `value` in 0…1 onto the scale pitches inside `range` (0 → the lowest, 1 → the
  /// highest), so equal steps of `value` are equal steps of scale degree. Values outside 0…1
  /// are clamped; NaN maps to the lowest pitch.
  public func pitch(for value: Double, in range: ClosedRange<Pitch>) -> Pitch {
    let candidates = pitches(in: range)
    guard !candidates.isEmpty else { return snap(range.lowerBound) }
    let v = value.isNaN ? 0 : min(1, max(0, value))
    let index = Int((v * Double(candidates.count - 1)).rounded())
    return candidates[index]
  }
}
