public import Foundation

/// Where the corpora are: `--corpora DIR`, else `$EIGENTONE_CORPORA`, else `corpora/` in the
/// working directory (where scripts/bootstrap unpacks music21's corpus folders into
/// `corpora/music21/`). Nothing under it is committed: the encodings' licences differ.
public struct CorpusLocation: Sendable, Hashable {
  public var root: String

  public init(root: String) { self.root = root }

  /// The folder in use: the explicit one, the environment's, or `corpora`.
  public static func resolve(_ explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> CorpusLocation {
    if let explicit, !explicit.isEmpty { return CorpusLocation(root: explicit) }
    if let env = environment["EIGENTONE_CORPORA"], !env.isEmpty { return CorpusLocation(root: env) }
    return CorpusLocation(root: "corpora")
  }

  /// The music21 corpus's folder.
  public var music21: String { root + "/music21" }

  /// Where `corpus build` writes by default.
  public var build: String { root + "/build" }

  /// The score files of a music21 genre, relative to ``music21``, sorted (so the order, and
  /// everything drawn from it, is the same on every machine).
  public func files(for genre: MusicGenre) throws(CorpusError) -> [String] {
    guard case .music21(let folder, let extensions) = genre.source else { return [] }
    let path = music21 + "/" + folder
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .missing(genre: genre.rawValue, path: path)
    }
    guard let walker = FileManager.default.enumerator(atPath: path) else { throw .missing(genre: genre.rawValue, path: path) }
    var files: [String] = []
    while let name = walker.nextObject() as? String {
      if extensions.contains((name as NSString).pathExtension.lowercased()) { files.append(folder + "/" + name) }
    }
    return files.sorted()
  }
}

/// Why a corpus cannot be read or written.
public enum CorpusError: Error, Sendable, Hashable, CustomStringConvertible {
  case missing(genre: String, path: String)
  case unknownGenre(String)
  case write(String)

  public var description: String {
    switch self {
    case .missing(let genre, let path): "the \(genre) corpus is not at \(path): run scripts/bootstrap, or give --corpora DIR"
    case .unknownGenre(let name): "unknown genre \"\(name)\"; genres: \(MusicGenre.names.joined(separator: ", ")), all"
    case .write(let why): why
    }
  }
}
