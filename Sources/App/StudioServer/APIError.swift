import Foundation
public import Hummingbird
public import Pipeline

/// An error the API reports as JSON, `{"error": "...", "status": 404}`, with that status (and
/// `Retry-After` when the client should try again later).
public struct APIError: HTTPResponseError, Sendable {
  public var status: HTTPResponse.Status
  public var message: String
  /// Seconds, for 503.
  public var retryAfter: Int?

  public init(_ status: HTTPResponse.Status, _ message: String, retryAfter: Int? = nil) {
    self.status = status
    self.message = message
    self.retryAfter = retryAfter
  }

  /// A pipeline error with its status.
  public init(_ error: PipelineError) { self.init(HTTPResponse.Status(error), error.description) }

  public func response(from request: Request, context: some RequestContext) throws -> Response {
    var response = try JSONBody.response(ErrorBody(error: message, status: status.code), status: status)
    if let retryAfter { response.headers[.retryAfter] = "\(retryAfter)" }
    return response
  }
}

extension HTTPResponse.Status {
  /// The status a pipeline error is reported with.
  init(_ error: PipelineError) {
    switch error {
    case .badRequest: self = .badRequest
    case .tooLarge: self = .contentTooLarge
    case .unknownModel, .unknownGenre: self = .notFound
    case .cancelled: self = .conflict
    case .failed: self = .internalServerError
    }
  }
}

/// The JSON of an error.
private struct ErrorBody: Encodable {
  var error: String
  var status: Int
}

/// Turns every error a handler throws, and the router's own 404s, into an ``APIError``, so
/// every failure reaches the client as JSON with a status code.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as APIError {
      throw error
    } catch let error as any HTTPResponseError {
      let message = error.status == .notFound ? "no such route: \(request.method) \(request.uri.path)" : error.status.reasonPhrase
      throw APIError(error.status, message)
    } catch let error as PipelineError {
      throw APIError(error)
    } catch {
      throw APIError(.internalServerError, String(describing: error))
    }
  }
}

/// JSON responses.
enum JSONBody {
  static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return Response(
      status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
      body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }
}
