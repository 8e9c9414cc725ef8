import Checkpoint
import Compose
import Foundation
public import Hummingbird
import Logging
import Studio

/// `eigentone serve`: the studio as a web application. One self-contained page at `/`, JSON
/// endpoints under `/api/`, and each job's files under `/api/jobs/ID/files/`.
///
/// | Route | What it does |
/// |---|---|
/// | `GET /` | the page |
/// | `GET /api/models` | the models it can see |
/// | `GET /api/genres` | the genres with their presets |
/// | `GET /api/portrait?model=ID` | layer metrics and thinned spectra (analyses on first use) |
/// | `POST /api/compose` | `{"model","genre","renderer","key","tempo"}` → 202 and a job |
/// | `POST /api/compare` | `{"a","b","genre","renderer"}` → 202 and a job |
/// | `POST /api/sonify` | `{"prompt","model","mode","key","tempo","renderer"}` → 202 and a job |
/// | `GET /api/jobs/ID` | state, progress 0…1, stage, files when done |
/// | `DELETE /api/jobs/ID` | cancels |
/// | `GET /api/jobs/ID/files/NAME` | a file the job made (byte ranges for seeking) |
public enum StudioServer {
  /// Largest request body accepted, bytes: a prompt is at most 4 KiB, so 64 KiB leaves room
  /// for JSON escaping without letting a client make the server buffer megabytes.
  public static let maxBodyBytes = 64 * 1024

  /// The router with every route, for the server and for in-process tests.
  public static func router(board: JobBoard) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: JSONErrorMiddleware())
    router.get("/") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(string: StudioPage.html)))
    }
    router.get("/api/models") { _, _ in try JSONBody.response(ModelList(workbench: board.workbench)) }
    router.get("/api/genres") { _, _ in try JSONBody.response(["genres": genres(board.workbench.environment)]) }
    router.get("/api/portrait") { request, _ in
      guard let model = request.uri.queryParameters.get("model") else { throw APIError(.badRequest, "missing ?model=") }
      do throws(StudioError) {
        _ = try board.workbench.catalog.entry(model)
      } catch {
        throw APIError(.notFound, error.description)
      }
      let summary = try await offThePool { PortraitSummary(model: model, portrait: try board.workbench.portrait(model)) }
      return try JSONBody.response(summary)
    }
    router.post("/api/compose") { request, context in try await submit(ComposeJob.self, request, context, board) }
    router.post("/api/compare") { request, context in try await submit(CompareJob.self, request, context, board) }
    router.post("/api/sonify") { request, context in try await submit(SonifyJob.self, request, context, board) }
    router.get("/api/jobs/:id") { _, context in
      guard let record = board.record(try context.parameters.require("id")) else { throw APIError(.notFound, "no such job") }
      return try JSONBody.response(record.status)
    }
    router.delete("/api/jobs/:id") { _, context in
      guard let record = board.cancel(try context.parameters.require("id")) else { throw APIError(.notFound, "no such job") }
      return try JSONBody.response(record.status)
    }
    router.get("/api/jobs/:id/files/:name") { request, context in
      guard let url = board.file(try context.parameters.require("id"), try context.parameters.require("name")) else {
        throw APIError(.notFound, "no such file")
      }
      return try FileResponse.response(url, range: request.headers[.range])
    }
    return router
  }

  /// The application listening on `host:port` (port 0: any free port). `onRunning` receives
  /// the port once the server listens.
  public static func application(
    board: JobBoard, host: String = "127.0.0.1", port: Int = 8080, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
  ) -> some ApplicationProtocol {
    var logger = Logger(label: "eigentone")
    logger.logLevel = .warning
    return Application(
      router: router(board: board), configuration: .init(address: .hostname(host, port: port), serverName: "eigentone"),
      onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
  }

  /// Serves until the process is interrupted (SIGINT or SIGTERM shut it down gracefully).
  public static func run(board: JobBoard, host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void) async throws {
    try await application(board: board, host: host, port: port, onRunning: onRunning).runService()
  }

  /// Decodes a job from the body (at most ``maxBodyBytes``), validates it and queues it:
  /// 202 with the job's status, or a JSON error.
  static func submit<Job: StudioJob>(_: Job.Type, _ request: Request, _ context: BasicRequestContext, _ board: JobBoard) async throws -> Response {
    let body: ByteBuffer
    do {
      body = try await request.body.collect(upTo: maxBodyBytes)
    } catch {
      throw APIError(.contentTooLarge, "the request body is larger than \(maxBodyBytes) bytes")
    }
    let job: Job
    do {
      job = try JSONDecoder().decode(Job.self, from: Data(body.readableBytesView))
    } catch let DecodingError.keyNotFound(key, _) {
      throw APIError(.badRequest, "the request has no \"\(key.stringValue)\"")
    } catch let DecodingError.typeMismatch(_, c), let DecodingError.valueNotFound(_, c), let DecodingError.dataCorrupted(c) {
      let path = c.codingPath.map(\.stringValue).joined(separator: ".")
      throw APIError(.badRequest, "invalid JSON body" + (path.isEmpty ? "" : " at \"\(path)\"") + ": " + c.debugDescription)
    } catch {
      throw APIError(.badRequest, "invalid JSON body")
    }
    let record: JobBoard.Record
    do throws(StudioError) {
      record = try board.submit(job)
    } catch {
      throw APIError(HTTPResponse.Status(code: error.status), error.description)
    }
    return try JSONBody.response(record.status, status: .accepted)
  }

  /// `GET /api/models`: the catalogue, and the model a page should preselect (the bundled
  /// default when it is installed, else the first).
  struct ModelList: Encodable {
    var models: [ModelEntry]
    var `default`: String?

    init(workbench: Workbench) {
      models = workbench.catalog.models
      `default` = models.contains { $0.id == ModelResolver.defaultModelName } ? ModelResolver.defaultModelName : models.first?.id
    }
  }

  struct Genre: Encodable {
    var name: String
    var summary: String
    var tempo: Double?
    var mode: String?
    var description: String?
  }

  static func genres(_ environment: [String: String]) -> [Genre] {
    let library = PresetLibrary.standard(environment: environment)
    return Composers.all.map { c in
      let preset = try? library.preset(for: c.genre)
      return Genre(name: c.genre, summary: c.summary, tempo: preset?.tempo, mode: preset.map { "\($0.mode)" }, description: preset?.description)
    }
  }

  /// Runs blocking work (analysis) on a thread of its own and awaits it, so the cooperative
  /// pool stays free for other requests.
  static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread { continuation.resume(with: Result { try work() }) }
      thread.stackSize = 16 << 20
      thread.start()
    }
  }
}
