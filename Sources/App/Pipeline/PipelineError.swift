/// Why a request cannot be run. Each case carries what the user needs to fix it; the command
/// line prints ``description`` on one line, the studio maps the case to an HTTP status.
public enum PipelineError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A field of the request is missing or has a value outside its range.
  case badRequest(String)
  /// The request or one of its fields is larger than its limit (bytes or tokens).
  case tooLarge(String)
  /// No model of this name is listed.
  case unknownModel(String)
  /// No such genre; carries the name and the genres there are.
  case unknownGenre(String, known: [String])
  /// The job was cancelled before it finished.
  case cancelled
  /// The pipeline failed; the message is the underlying error's.
  case failed(String)

  public var description: String {
    switch self {
    case .badRequest(let why): why
    case .tooLarge(let why): why
    case .unknownModel(let name): "unknown model \"\(name)\""
    case .unknownGenre(let name, let known): "unknown genre \"\(name)\"; genres: \(known.joined(separator: ", "))"
    case .cancelled: "cancelled"
    case .failed(let why): why
    }
  }
}
