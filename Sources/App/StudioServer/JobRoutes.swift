import Foundation
import Hummingbird
import Pipeline
import Studio

/// Jobs over HTTP: submit (`POST /api/compose|compare|sonify|report|album`), poll, cancel, fetch files.
struct JobRoutes<Context: RequestContext>: Sendable {
  let board: JobBoard

  func add(to router: Router<Context>) {
    let board = board
    router.post("/api/compose") { request, _ in try await Self.submit(ComposeJob.self, request, board) }
    router.post("/api/compare") { request, _ in try await Self.submit(CompareJob.self, request, board) }
    router.post("/api/sonify") { request, _ in try await Self.submit(SonifyJob.self, request, board) }
    router.post("/api/report") { request, _ in try await Self.submit(ReportJob.self, request, board) }
    router.post("/api/album") { request, _ in try await Self.submit(AlbumJob.self, request, board) }
    router.get("/api/jobs/:id") { _, context in
      guard let record = board.record(try context.parameters.require("id")) else { throw APIError(.notFound, "no such job") }
      return try JSONBody.response(JobStatus(record))
    }
    router.delete("/api/jobs/:id") { _, context in
      guard let record = board.cancel(try context.parameters.require("id")) else { throw APIError(.notFound, "no such job") }
      return try JSONBody.response(JobStatus(record))
    }
    router.get("/api/jobs/:id/files/:name") { request, context in
      guard let url = board.file(try context.parameters.require("id"), try context.parameters.require("name")) else {
        throw APIError(.notFound, "no such file")
      }
      return try FileResponse.response(url, range: request.headers[.range])
    }
  }

  /// Decodes a job from the body (at most ``Limits/requestBodyBytes``), validates it and
  /// queues it: 202 with the job's status, or a JSON error.
  static func submit<Job: StudioJob>(_: Job.Type, _ request: Request, _ board: JobBoard) async throws -> Response {
    let body: ByteBuffer
    do {
      body = try await request.body.collect(upTo: Limits.requestBodyBytes)
    } catch {
      throw APIError(.contentTooLarge, "the request body is larger than \(Limits.requestBodyBytes) bytes")
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
    do throws(JobBoard.Rejection) {
      record = try board.submit(job)
    } catch {
      switch error {
      case .invalid(let e): throw APIError(e)
      case .queueFull: throw APIError(.serviceUnavailable, error.description, retryAfter: Limits.retryAfterSeconds)
      case .storage(let why): throw APIError(.internalServerError, why)
      }
    }
    return try JSONBody.response(JobStatus(record), status: .accepted)
  }
}

/// The JSON of `GET /api/jobs/:id`.
struct JobStatus: Sendable, Hashable, Codable {
  var id: String
  var kind: String
  var state: JobBoard.State
  /// 0…1.
  var progress: Double
  var stage: String
  var error: String?
  /// The HTTP status the error maps to (400 bad input, 413 too large, 409 cancelled, 500).
  var errorStatus: Int?
  var summary: String?
  var facts: [String: String]
  /// Kind → URL of each file the job made.
  var files: [String: String]

  enum CodingKeys: String, CodingKey {
    case id, kind, state, progress, stage, error, summary, facts, files
    case errorStatus = "error_status"
  }

  init(_ record: JobBoard.Record) {
    let outcome = record.outcome
    let p = record.progress.snapshot
    let done = outcome.state == .done
    id = record.id
    kind = record.kind
    state = outcome.state
    progress = done ? 1 : p.fraction
    stage = done ? "done" : p.stage
    error = outcome.failure?.message
    errorStatus = outcome.failure.map { $0.error.map { Int(HTTPResponse.Status($0).code) } ?? 500 }
    summary = outcome.result?.summary
    facts = outcome.result?.facts ?? [:]
    files = record.files.mapValues { "/api/jobs/\(record.id)/files/\($0)" }
  }
}
