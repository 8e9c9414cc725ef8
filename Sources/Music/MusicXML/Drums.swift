/// General MIDI drum keys: names and staff positions on a percussion clef.
enum Drums {
  static func name(_ key: Int) -> String {
    switch key {
    case 35: "Acoustic Bass Drum"
    case 36: "Bass Drum"
    case 37: "Side Stick"
    case 38: "Snare"
    case 39: "Hand Clap"
    case 40: "Electric Snare"
    case 42: "Closed Hi-Hat"
    case 44: "Pedal Hi-Hat"
    case 46: "Open Hi-Hat"
    case 49: "Crash Cymbal"
    case 51: "Ride Cymbal"
    case 56: "Cowbell"
    default: "Drum \(key)"
    }
  }

  /// Display step and octave (the common drum-set notation layout).
  static func position(_ key: Int) -> (String, Int) {
    switch key {
    case 35, 36: ("F", 4)
    case 37, 38, 39, 40: ("C", 5)
    case 42, 44, 46: ("G", 5)
    case 49, 57: ("A", 5)
    case 51, 59: ("F", 5)
    case 41, 43: ("A", 4)
    case 45, 47: ("D", 5)
    case 48, 50: ("E", 5)
    default: ("E", 4)
    }
  }
}
