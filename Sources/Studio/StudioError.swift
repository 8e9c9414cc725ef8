/// Why a studio request cannot be served. Each case carries what the user needs to fix it; the
/// web server maps them to HTTP status codes (``StudioError/status``).
public enum StudioError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A field of the request is missing or has a value outside its range.
  case badRequest(String)
  /// The request or one of its fields is larger than the limit (bytes or tokens).
  case tooLarge(String)
  /// No model of this name is listed.
  case unknownModel(String)
  /// No such genre.
  case unknownGenre(String)
  /// The job was cancelled before it finished.
  case cancelled
  /// The pipeline failed; the message is the underlying error's.
  case failed(String)

  public var description: String {
    switch self {
    case .badRequest(let why): why
    case .tooLarge(let why): why
    case .unknownModel(let name): "unknown model \"\(name)\"; see /api/models"
    case .unknownGenre(let name): "unknown genre \"\(name)\"; see /api/genres"
    case .cancelled: "cancelled"
    case .failed(let why): why
    }
  }

  /// The HTTP status this error is reported with.
  public var status: Int {
    switch self {
    case .badRequest: 400
    case .tooLarge: 413
    case .unknownModel, .unknownGenre: 404
    case .cancelled: 409
    case .failed: 500
    }
  }
}
