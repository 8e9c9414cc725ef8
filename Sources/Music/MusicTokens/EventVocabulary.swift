/// One token of the event vocabulary.
public enum MusicToken: Sendable, Hashable {
  case pad, bos, eos
  /// A key goes down: MIDI pitch 0…127.
  case noteOn(Int)
  /// A key comes up: MIDI pitch 0…127.
  case noteOff(Int)
  /// Time moves on by 1…32 grid steps.
  case timeShift(Int)
  /// The genre a sequence belongs to (index into ``EventVocabulary/genres``), right after BOS.
  case genre(Int)
}

/// The event vocabulary a music model reads and writes: PAD, BOS, EOS, NOTE_ON and NOTE_OFF for
/// the 128 MIDI pitches, TIME_SHIFT by 1…32 grid steps, and optionally one token per genre.
/// Without genre tokens it has 291 ids, the genre seed's size.
///
/// Ids: 0 PAD, 1 BOS, 2 EOS, 3…130 NOTE_ON(0…127), 131…258 NOTE_OFF(0…127),
/// 259…290 TIME_SHIFT(1…32), then GENRE tokens in ``genres`` order.
///
/// The grid: ``stepsPerQuarter`` steps to a quarter note, 4 by default (sixteenths). On that
/// grid an eighth-note triplet (1/3 of a quarter) cannot be written: its onsets round to the
/// nearest sixteenth (0, 1/4, 3/4 of the beat), and a note never shrinks below one step. 12
/// steps per quarter holds sixteenths, eighth triplets and sixteenth triplets exactly, at the
/// price of about three times as many TIME_SHIFT tokens for the same music (and a single
/// TIME_SHIFT then spans at most 2⅔ quarters).
public struct EventVocabulary: Sendable, Hashable, Codable {
  /// MIDI pitches.
  public static let pitchCount = 128
  /// The longest single TIME_SHIFT, in grid steps.
  public static let maximumShift = 32
  public static let pad = 0, bos = 1, eos = 2
  static let noteOnBase = 3
  static let noteOffBase = noteOnBase + pitchCount
  static let shiftBase = noteOffBase + pitchCount
  static let genreBase = shiftBase + maximumShift
  /// The default grid: sixteenth notes.
  public static let defaultStepsPerQuarter = 4

  /// Grid steps per quarter note (1…48).
  public var stepsPerQuarter: Int
  /// Genre names, one token each; empty for none.
  public var genres: [String]

  public init(stepsPerQuarter: Int = defaultStepsPerQuarter, genres: [String] = []) {
    self.stepsPerQuarter = stepsPerQuarter
    self.genres = genres
  }

  enum CodingKeys: String, CodingKey {
    case stepsPerQuarter = "steps_per_quarter"
    case genres
  }

  /// Number of ids: 291 plus one per genre.
  public var size: Int { Self.genreBase + genres.count }

  public func id(_ token: MusicToken) -> Int {
    switch token {
    case .pad: Self.pad
    case .bos: Self.bos
    case .eos: Self.eos
    case .noteOn(let p): Self.noteOnBase + p
    case .noteOff(let p): Self.noteOffBase + p
    case .timeShift(let n): Self.shiftBase + n - 1
    case .genre(let g): Self.genreBase + g
    }
  }

  /// The token for an id, or nil outside `0..<size`.
  public func token(_ id: Int) -> MusicToken? {
    switch id {
    case Self.pad: .pad
    case Self.bos: .bos
    case Self.eos: .eos
    case Self.noteOnBase..<Self.noteOffBase: .noteOn(id - Self.noteOnBase)
    case Self.noteOffBase..<Self.shiftBase: .noteOff(id - Self.noteOffBase)
    case Self.shiftBase..<Self.genreBase: .timeShift(id - Self.shiftBase + 1)
    case Self.genreBase..<size: .genre(id - Self.genreBase)
    default: nil
    }
  }

  /// "NOTE_ON_60", "TIME_SHIFT_4", "GENRE_bach", "BOS"; "UNKNOWN_\(id)" outside the vocabulary.
  public func name(_ id: Int) -> String {
    switch token(id) {
    case .pad: "PAD"
    case .bos: "BOS"
    case .eos: "EOS"
    case .noteOn(let p): "NOTE_ON_\(p)"
    case .noteOff(let p): "NOTE_OFF_\(p)"
    case .timeShift(let n): "TIME_SHIFT_\(n)"
    case .genre(let g): "GENRE_\(genres[g])"
    case nil: "UNKNOWN_\(id)"
    }
  }

  /// Every id's name, in id order (written beside a checkpoint as its vocabulary).
  public var names: [String] { (0..<size).map(name) }
}
