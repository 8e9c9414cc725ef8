/// A note on the token grid: onset and end in grid steps (end > onset), MIDI pitch.
public struct GridNote: Sendable, Hashable, Comparable, Codable {
  public var onset: Int
  public var end: Int
  public var pitch: Int

  public init(onset: Int, end: Int, pitch: Int) {
    self.onset = onset
    self.end = end
    self.pitch = pitch
  }

  public static func < (a: GridNote, b: GridNote) -> Bool { (a.onset, a.pitch, a.end) < (b.onset, b.pitch, b.end) }
}
