/// A parsed Standard MIDI File: every event of every track with its absolute tick.
public struct MIDIFile: Sendable, Hashable {
  public enum Event: Sendable, Hashable {
    case noteOn(channel: Int, key: Int, velocity: Int)
    case noteOff(channel: Int, key: Int, velocity: Int)
    case polyPressure(channel: Int, key: Int, value: Int)
    case controlChange(channel: Int, controller: Int, value: Int)
    case programChange(channel: Int, program: Int)
    case channelPressure(channel: Int, value: Int)
    /// 0…16383, centre 8192.
    case pitchBend(channel: Int, value: Int)
    case meta(type: UInt8, data: [UInt8])
    case sysex([UInt8])
  }

  public struct TimedEvent: Sendable, Hashable {
    public var tick: Int
    public var event: Event
  }

  public var format: Int
  /// Ticks per quarter note.
  public var division: Int
  public var tracks: [[TimedEvent]]
}

/// Why a MIDI file was rejected, and where.
public struct MIDIFileError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Byte offset into the file.
  public var offset: Int
  public var reason: String
  public var description: String { "MIDI file invalid at byte \(offset): \(reason)" }
}
