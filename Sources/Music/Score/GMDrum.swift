/// General MIDI percussion keys (channel 10) the genres play, by name instead of raw numbers.
/// Values from the General MIDI 1 percussion map.
public enum GMDrum: Int, Sendable, Hashable, CaseIterable {
  case bassDrum = 35
  case kick = 36
  case sideStick = 37
  case snare = 38
  case clap = 39
  case electricSnare = 40
  case lowFloorTom = 41
  case closedHat = 42
  case highFloorTom = 43
  case pedalHat = 44
  case lowTom = 45
  case openHat = 46
  case lowMidTom = 47
  case highMidTom = 48
  case crash = 49
  case highTom = 50
  case ride = 51
  case china = 52
  case rideBell = 53
  case tambourine = 54
  case splash = 55
  case cowbell = 56

  /// The MIDI key.
  public var key: Int { rawValue }
}
