import Foundation
public import Hummingbird
import Logging
public import Studio

/// `eigentone serve`: the studio as a web application, HTTP only: the page at `/`, JSON
/// endpoints under `/api/`, and each job's files under `/api/jobs/ID/files/`. The jobs
/// themselves are ``JobBoard``'s, and their pipelines the command line's.
///
/// | Route | What it does |
/// |---|---|
/// | `GET /`, `/studio.js`, `/studio.css` | the page |
/// | `GET /api/models` | the models it can see |
/// | `GET /api/genres` | the genres with their presets |
/// | `GET /api/renderers` | the renderers |
/// | `GET /api/limits` | the limits requests are checked against |
/// | `GET /api/portrait?model=ID` | layer metrics and thinned spectra (analyses on first use) |
/// | `POST /api/compose` | `{"model","genre","renderer","key","tempo"}` → 202 and a job |
/// | `POST /api/compare` | `{"a","b","genre","renderer"}` → 202 and a job |
/// | `POST /api/sonify` | `{"prompt","model","mode","key","tempo","renderer"}` → 202 and a job |
/// | `GET /api/jobs/ID` | state, progress 0…1, stage, files when done |
/// | `DELETE /api/jobs/ID` | cancels |
/// | `GET /api/jobs/ID/files/NAME` | a file the job made (byte ranges for seeking) |
///
/// Every error is JSON, `{"error": "...", "status": N}`: 400 a bad value, 404 an unknown
/// model, genre, job, file or route, 409 cancelled, 413 too large, 503 (with `Retry-After`)
/// when the queue is full, 500 a failure inside a pipeline.
public enum StudioServer {
  /// The router with every route.
  public static func router(board: JobBoard) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: JSONErrorMiddleware())
    PageRoutes<BasicRequestContext>().add(to: router)
    CatalogRoutes<BasicRequestContext>(board: board).add(to: router)
    JobRoutes<BasicRequestContext>(board: board).add(to: router)
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
