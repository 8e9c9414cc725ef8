/// What kind of token an id is, for the report's colours and head profiles.
///
/// Text models: ``wordStart`` (a space or start of a word followed by letters: " capital"),
/// ``continuation`` (letters without a leading space: "ital"), ``digits`` (digits, with an
/// optional leading space), ``punctuation`` (everything else: punctuation, symbols, spaces,
/// raw bytes) and ``special`` (the tokenizer's control tokens). Music models: ``noteOn``,
/// ``noteOff``, ``timeShift`` and ``special`` (PAD, BOS, EOS, genre tokens).
public enum TokenCategory: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
  case special
  case wordStart = "word_start"
  case continuation
  case digits
  case punctuation
  case noteOn = "note_on"
  case noteOff = "note_off"
  case timeShift = "time_shift"

  /// The categories of text tokens, in display order.
  public static let text: [TokenCategory] = [.wordStart, .continuation, .digits, .punctuation, .special]
  /// The categories of music tokens, in display order.
  public static let music: [TokenCategory] = [.noteOn, .noteOff, .timeShift, .special]

  /// Display order (the order of `allCases`).
  public static func < (a: TokenCategory, b: TokenCategory) -> Bool {
    (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
  }

  /// The category of a text token from its decoded text.
  public static func text(_ text: String, special: Bool) -> TokenCategory {
    if special { return .special }
    var body = Substring(text)
    let spaced = body.first == " " || body.first == "\u{2581}"
    if spaced { body = body.dropFirst() }
    guard !body.isEmpty else { return .punctuation }
    if body.allSatisfy(\.isNumber) { return .digits }
    if body.allSatisfy({ $0.isLetter || $0 == "'" || $0 == "-" }) && body.contains(where: \.isLetter) {
      return spaced ? .wordStart : .continuation
    }
    return .punctuation
  }

  /// The category of a music event from its name in ``MusicTokens``' vocabulary
  /// (`NOTE_ON_60`, `NOTE_OFF_60`, `TIME_SHIFT_4`, `BOS`, …).
  public static func music(_ name: String) -> TokenCategory {
    if name.hasPrefix("NOTE_ON") { return .noteOn }
    if name.hasPrefix("NOTE_OFF") { return .noteOff }
    if name.hasPrefix("TIME_SHIFT") { return .timeShift }
    return .special
  }
}
