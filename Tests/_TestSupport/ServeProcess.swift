import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A real `eigentone serve` started for tests, listening on a free loopback port, and a small
/// HTTP client for it (URLSession over loopback: no TLS stack is built). The server's stderr
/// goes to `$TMPDIR/eigentone-test-serve.log` (a crash's backtrace lands there). A small shell holds
/// the server and interrupts it (SIGINT, as a user would) when its standard input closes: on
/// ``stop()``, or when the test process ends however it ends, so no server outlives the tests.
public final class ServeProcess: @unchecked Sendable {
  /// `http://127.0.0.1:PORT`.
  public let url: String
  /// The server's own process id (the shell's child).
  public let pid: Int32
  private let process: Process
  private let input = Pipe()

  /// Starts `eigentone serve --port 0 ARGUMENTS` and waits for its first line.
  public init(_ arguments: [String], environment: [String: String]) throws {
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    let script = #"""
      "$0" serve --port 0 "$@" < /dev/null 2>> "${TMPDIR:-/tmp}/eigentone-test-serve.log" & server=$!
      echo "pid $server"
      cat > /dev/null
      kill -INT "$server" 2> /dev/null
      wait "$server"
      """#
    process.arguments = ["-c", script, Repository.executable] + arguments
    process.standardInput = input
    process.environment = environment
    process.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var printed = ""
    while !printed.contains("\n") {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      printed += String(decoding: chunk, as: UTF8.self)
    }
    while !printed.contains("http://") {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      printed += String(decoding: chunk, as: UTF8.self)
    }
    let words = printed.split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard let address = words.first(where: { $0.hasPrefix("http://127.0.0.1:") }),
      let pidIndex = words.firstIndex(of: "pid"), let pid = Int32(words[words.index(after: pidIndex)])
    else {
      throw CommandRunner.ToolFailure(description: "serve printed \(printed)")
    }
    self.pid = pid
    url = String(address.dropLast(address.hasSuffix("/") ? 1 : 0))
    firstLine = printed
  }

  /// What the server printed first ("Eigentone studio on http://…").
  public let firstLine: String

  /// Whether the server still runs.
  public var isRunning: Bool { kill(pid, 0) == 0 && process.isRunning }

  /// Resident memory of the server, bytes (from /proc).
  public var residentBytes: Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
  }

  /// Interrupts the server (SIGINT) and waits; true when it exited cleanly.
  @discardableResult
  public func stop() -> Bool {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    return process.terminationReason == .exit && process.terminationStatus == 0
  }

  deinit { try? input.fileHandleForWriting.close() }

  /// Sends one request; `path` starts with `/`.
  public func request(_ path: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil) async throws -> HTTPReply {
    guard let target = URL(string: url + path) else { throw CommandRunner.ToolFailure(description: "bad path \(path)") }
    var request = URLRequest(url: target)
    request.httpMethod = method
    for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
    if let body {
      request.httpBody = Data(body.utf8)
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await Self.session.data(for: request)
    guard let http = response as? HTTPURLResponse else { throw CommandRunner.ToolFailure(description: "no HTTP response for \(path)") }
    var fields: [String: String] = [:]
    for (k, v) in http.allHeaderFields { fields[String(describing: k).lowercased()] = String(describing: v) }
    return HTTPReply(status: http.statusCode, headers: fields, body: Array(data))
  }

  public func post(_ path: String, _ body: String) async throws -> HTTPReply { try await request(path, method: "POST", body: body) }

  /// Polls a job until it ends (at most `timeout` seconds); returns its last status.
  public func wait(_ id: String, timeout: Double = 300) async throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let status = try await request("/api/jobs/\(id)").json()
      let state = status["state"] as? String
      if state == "done" || state == "failed" || state == "cancelled" || Date() > deadline { return status }
      try await Task.sleep(for: .milliseconds(100))
    }
  }

  /// A file a finished job made, by kind (`midi`, `audio`, ...).
  public func file(_ status: [String: Any], _ kind: String) async throws -> [UInt8] {
    guard let path = (status["files"] as? [String: String])?[kind] else { throw CommandRunner.ToolFailure(description: "no \(kind) in \(status)") }
    return try await request(path).body
  }

  /// One session for every server: up to 64 connections to a host (the load test opens 32).
  static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 64
    configuration.timeoutIntervalForRequest = 600
    return URLSession(configuration: configuration)
  }()
}

/// An HTTP response: status, headers (lower-case names) and body.
public struct HTTPReply: Sendable {
  public var status: Int
  public var headers: [String: String]
  public var body: [UInt8]

  public var text: String { String(decoding: body, as: UTF8.self) }

  /// The body as a JSON object (empty when it is not one).
  public func json() throws -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
  }
}
