extension GMDrum {
  /// Instrument names a score shows for the keys the genres play (others: "Drum N").
  static let notationNames: [Int: String] = [
    35: "Acoustic Bass Drum", 36: "Bass Drum", 37: "Side Stick", 38: "Snare", 39: "Hand Clap", 40: "Electric Snare",
    42: "Closed Hi-Hat", 44: "Pedal Hi-Hat", 46: "Open Hi-Hat", 49: "Crash Cymbal", 51: "Ride Cymbal", 56: "Cowbell",
  ]

  /// Display step and octave on a percussion staff (the common drum-set layout), by key.
  static let staffPositions: [Int: (step: String, octave: Int)] = [
    35: ("F", 4), 36: ("F", 4), 37: ("C", 5), 38: ("C", 5), 39: ("C", 5), 40: ("C", 5), 42: ("G", 5), 44: ("G", 5), 46: ("G", 5),
    49: ("A", 5), 57: ("A", 5), 51: ("F", 5), 59: ("F", 5), 41: ("A", 4), 43: ("A", 4), 45: ("D", 5), 47: ("D", 5), 48: ("E", 5),
    50: ("E", 5),
  ]

  /// The name a score shows for drum `key`.
  public static func notationName(key: Int) -> String { notationNames[key] ?? "Drum \(key)" }

  /// Where drum `key` sits on a percussion staff (E4 for keys without a place of their own).
  public static func staffPosition(key: Int) -> (step: String, octave: Int) { staffPositions[key] ?? ("E", 4) }
}
