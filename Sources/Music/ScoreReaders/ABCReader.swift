public import Foundation
public import Score
import StandardMIDI

/// Reads ABC notation through `abc2midi` (Debian's `abcmidi` package, installed by
/// scripts/bootstrap): a converter made for the format, run once per file, whose MIDI is read
/// by Eigentone's MIDI reader.
///
/// Every tune of a multi-tune file becomes its own piece, named `<id>#<X>` after its reference
/// number as written. The tunes are renumbered 1…n in the copy handed to abc2midi (so repeated
/// or missing `X:` numbers cannot collide). A tune that abc2midi rejects, or that gives no
/// notes, is reported in ``ReadOutcome/skipped`` with abc2midi's message and skipped; only a
/// file with no tune at all is an error.
///
/// Choices, documented: abc2midi plays repeats (`|: :|`, first and second endings) as a
/// performer would, so an ABC piece is read expanded, unlike MusicXML and kern, which are read
/// once through as written; grace notes are dropped (`-NGRA`), as by the other readers; chord
/// symbols are not accompanied (`-NGUI`), so only the written notes sound.
///
/// Where this differs from music21's own ABC parser (10.5.1), measured on the Essen tunes: an
/// accidental holds to the end of its bar here (ABC 2.1 §4.2; music21 applies it to one note),
/// and a note tied across a bar line after an accidental is two notes here, the second at the
/// new bar's key signature, where music21 keeps one note at the tied pitch.
public enum ABCReader {
  /// Where to look for abc2midi besides $PATH.
  static let candidates = ["/usr/bin/abc2midi", "/usr/local/bin/abc2midi"]
  /// abc2midi's arguments after the file: no grace notes, no chord-symbol accompaniment.
  static let options = ["-NGRA", "-NGUI", "-quiet"]
  /// A file that takes abc2midi longer than this is reported as failed (it never should).
  public static let timeoutSeconds = 120.0

  /// One tune as found in the file.
  struct Tune {
    /// The reference number as written (`X:12`), or the tune's position when it has none.
    var reference: Int
    var title: String
    var lines: [Substring]
  }

  public static func read(_ data: Data, file: String, id: String) throws(ScoreReadError) -> ReadOutcome {
    let text = String(decoding: data, as: UTF8.self)
    let (header, tunes) = split(text)
    guard !tunes.isEmpty else { throw ScoreReadError(file: file, "no tune (an ABC tune starts with an X: line)") }
    guard let abc2midi = locate() else {
      throw ScoreReadError(file: file, "abc2midi not found: install Debian's abcmidi package (scripts/bootstrap does)")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eigentone-abc-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    // The copy abc2midi reads: the file header, then each tune renumbered, a blank line apart.
    var copy = header.map(String.init)
    var firstLine: [Int] = []
    for (k, tune) in tunes.enumerated() {
      if !copy.isEmpty { copy.append("") }
      firstLine.append(copy.count + 1)
      copy.append("X:\(k + 1)")
      copy += tune.lines.dropFirst().map(String.init)
    }
    let output: String
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data((copy.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("tunes.abc"))
      output = try run(abc2midi, ["tunes.abc"] + options, in: folder)
    } catch let e as ScoreReadError {
      throw ScoreReadError(file: file, e.reason)
    } catch {
      throw ScoreReadError(file: file, "cannot run abc2midi: \(error)")
    }
    // abc2midi's errors, by the tune whose lines they name.
    var errors: [Int: String] = [:]
    for line in output.split(separator: "\n") where line.hasPrefix("Error in line-char ") {
      let position = line.dropFirst("Error in line-char ".count).prefix { $0.isNumber }
      guard let n = Int(position) else { continue }
      let k = (firstLine.lastIndex { $0 <= n }) ?? 0
      if errors[k] == nil { errors[k] = String(line.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
    }
    var outcome = ReadOutcome(pieces: [])
    for (k, tune) in tunes.enumerated() {
      let midi = folder.appendingPathComponent("tunes\(k + 1).mid")
      let why = errors[k].map { "abc2midi: \($0)" }
      guard let bytes = FileManager.default.contents(atPath: midi.path) else {
        outcome.skipped.append(ScoreReadError(file: file, .tune(tune.reference), why ?? "abc2midi wrote no MIDI"))
        continue
      }
      do {
        var score = Score(midi: try MIDIFile(bytes: Array(bytes)))
        guard score.tracks.contains(where: { !$0.notes.isEmpty }) else {
          outcome.skipped.append(ScoreReadError(file: file, .tune(tune.reference), why ?? "no notes"))
          continue
        }
        score.title = tune.title
        score.tracks.removeAll { $0.notes.isEmpty }
        restoreArticulationGap(&score, ticksPerQuarter: try MIDIFile(bytes: Array(bytes)).division)
        outcome.pieces.append(Piece(id: "\(id)#\(tune.reference)", score: score))
      } catch {
        outcome.skipped.append(ScoreReadError(file: file, .tune(tune.reference), "abc2midi's MIDI: \(error.description)"))
      }
    }
    return outcome
  }

  /// abc2midi starts every note one tick late (so repeated notes are heard apart): a quarter
  /// note written on beat 2 sounds from 480 + 1 ticks to 960. Where taking the tick back lands
  /// the onset on a 1/24-quarter grid (sixteenths, triplets and their halves), it is taken
  /// back, so written rhythms read as written.
  static func restoreArticulationGap(_ score: inout Score, ticksPerQuarter: Int) {
    guard ticksPerQuarter % 24 == 0 else { return }
    let tick = 1 / Double(ticksPerQuarter)
    let grid = Double(ticksPerQuarter / 24)
    for t in score.tracks.indices {
      for n in score.tracks[t].notes.indices {
        let onsetTicks = (score.tracks[t].notes[n].onset / tick).rounded() - 1
        if onsetTicks >= 0 && onsetTicks.truncatingRemainder(dividingBy: grid) == 0 {
          score.tracks[t].notes[n].onset -= tick
          score.tracks[t].notes[n].duration += tick
        }
      }
    }
  }

  /// The file header (lines before the first X:) and the tunes (each from its X: line to the
  /// line before the next X:).
  static func split(_ text: String) -> (header: [Substring], tunes: [Tune]) {
    var header: [Substring] = []
    var tunes: [Tune] = []
    for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
      let line = raw
      if line.hasPrefix("X:") {
        let number = Int(line.dropFirst(2).trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) ?? (tunes.count + 1)
        tunes.append(Tune(reference: number, title: "", lines: [line]))
      } else if tunes.isEmpty {
        header.append(line)
      } else {
        if line.hasPrefix("T:") && tunes[tunes.count - 1].title.isEmpty {
          tunes[tunes.count - 1].title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
        }
        tunes[tunes.count - 1].lines.append(line)
      }
    }
    // Trailing blank lines belong to no tune.
    for k in tunes.indices {
      while let last = tunes[k].lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { tunes[k].lines.removeLast() }
    }
    return (header, tunes)
  }

  static func locate() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let dirs = path.split(separator: ":").map { "\($0)/abc2midi" }
    return (dirs + candidates).first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs abc2midi in `folder`; returns what it printed (stdout and stderr).
  static func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let timer = DispatchSource.makeTimerSource()
    timer.schedule(deadline: .now() + timeoutSeconds)
    timer.setEventHandler { if process.isRunning { process.terminate() } }
    timer.resume()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    timer.cancel()
    if process.terminationReason == .uncaughtSignal {
      throw ScoreReadError(file: folder.path, "abc2midi stopped (signal \(process.terminationStatus)) after \(Int(timeoutSeconds)) s or a crash")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
