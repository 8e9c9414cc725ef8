/// Why a score file could not be read: the file, where in it (a line, a measure or an archive
/// entry, when known) and the problem, printed as one line ("chorale.krn:14: 4 tokens for 5
/// spines").
public struct ScoreReadError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Where in the file the problem is.
  public enum Location: Hashable, Sendable {
    case file
    /// 1-based text line.
    case line(Int)
    /// A measure's number as written in the file, in a part.
    case measure(String, part: String)
    /// A tune of a multi-tune file (ABC reference number).
    case tune(Int)
    /// An entry of a zip container.
    case entry(String)
  }

  public var file: String
  public var location: Location
  public var reason: String

  /// A problem with the whole file.
  public init(file: String, _ reason: String) {
    self.init(file: file, .file, reason)
  }

  public init(file: String, _ location: Location, _ reason: String) {
    self.file = file
    self.location = location
    self.reason = reason
  }

  public var description: String {
    switch location {
    case .file: "\(file): \(reason)"
    case .line(let n): "\(file):\(n): \(reason)"
    case .measure(let m, let part): "\(file): part \(part), measure \(m): \(reason)"
    case .tune(let x): "\(file): tune X:\(x): \(reason)"
    case .entry(let name): "\(file): entry \(name): \(reason)"
    }
  }
}
