public import Foundation
public import Score
import StandardMIDI

/// The score formats Eigentone reads, chosen by a file's extension.
public enum ScoreFormat: String, Sendable, CaseIterable {
  /// MusicXML, partwise, uncompressed (.xml, .musicxml).
  case musicXML
  /// Compressed MusicXML: a zip container whose META-INF/container.xml names the score (.mxl).
  case compressedMusicXML
  /// Humdrum **kern (.krn).
  case kern
  /// ABC notation, one or many tunes per file (.abc), converted by abc2midi.
  case abc
  /// Standard MIDI File (.mid, .midi).
  case midi

  /// The format for a path's extension, or nil.
  public init?(path: String) {
    switch (path as NSString).pathExtension.lowercased() {
    case "xml", "musicxml": self = .musicXML
    case "mxl": self = .compressedMusicXML
    case "krn", "kern": self = .kern
    case "abc": self = .abc
    case "mid", "midi", "smf": self = .midi
    default: return nil
    }
  }

  /// The extensions, for messages ("expected .xml, .musicxml, …").
  public static let extensions = ".xml, .musicxml, .mxl, .krn, .abc, .mid"
}

/// Reads any score file Eigentone knows into pieces (one per file, or one per ABC tune).
public enum ScoreFile {
  /// Reads `path`. `id` names the pieces (default: the path as given).
  public static func read(_ path: String, id: String? = nil) throws(ScoreReadError) -> ReadOutcome {
    let id = id ?? path
    guard let format = ScoreFormat(path: path) else {
      throw ScoreReadError(file: path, "unknown score format; expected \(ScoreFormat.extensions)")
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw ScoreReadError(file: path, "no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else { throw ScoreReadError(file: path, "cannot read the file") }
    let title = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    switch format {
    case .musicXML:
      return ReadOutcome(pieces: [Piece(id: id, score: try MusicXMLReader.read(data, file: path, title: title))])
    case .compressedMusicXML:
      let xml = try MXLArchive.rootScore(data, file: path)
      return ReadOutcome(pieces: [Piece(id: id, score: try MusicXMLReader.read(xml, file: path, title: title))])
    case .kern:
      return ReadOutcome(pieces: [Piece(id: id, score: try KernReader.read(data, file: path, title: title))])
    case .abc:
      return try ABCReader.read(data, file: path, id: id)
    case .midi:
      do {
        var score = Score(midi: try MIDIFile(bytes: Array(data)))
        if score.title.isEmpty { score.title = title }
        return ReadOutcome(pieces: [Piece(id: id, score: score)])
      } catch {
        throw ScoreReadError(file: path, error.description)
      }
    }
  }
}
