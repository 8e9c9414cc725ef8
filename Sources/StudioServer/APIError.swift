import Foundation
public import Hummingbird

/// An error the API reports as JSON, `{"error": "...", "status": 404}`, with that status.
public struct APIError: HTTPResponseError, Sendable {
  public var status: HTTPResponse.Status
  public var message: String

  public init(_ status: HTTPResponse.Status, _ message: String) {
    self.status = status
    self.message = message
  }

  public func response(from request: Request, context: some RequestContext) throws -> Response {
    try JSONBody.response(ErrorBody(error: message, status: status.code), status: status)
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
