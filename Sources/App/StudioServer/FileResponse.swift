import Foundation
import Hummingbird

/// A job's file as a response, with `Range: bytes=a-b` support so the page's audio player can
/// seek.
enum FileResponse {
  static func contentType(_ name: String) -> String {
    switch (name as NSString).pathExtension.lowercased() {
    case "flac": "audio/flac"
    case "wav": "audio/wav"
    case "mid": "audio/midi"
    case "json": "application/json; charset=utf-8"
    case "html": "text/html; charset=utf-8"
    case "svg": "image/svg+xml"
    case "csv": "text/csv; charset=utf-8"
    case "musicxml", "xml": "application/vnd.recordare.musicxml+xml"
    default: "application/octet-stream"
    }
  }

  static func response(_ url: URL, range: String?) throws -> Response {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw APIError(.notFound, "no such file") }
    var headers: HTTPFields = [.contentType: contentType(url.lastPathComponent), .acceptRanges: "bytes"]
    guard let range, let (start, end) = parse(range, size: data.count) else {
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
    guard start < data.count else {
      headers[.contentRange] = "bytes */\(data.count)"
      return Response(status: .rangeNotSatisfiable, headers: headers)
    }
    headers[.contentRange] = "bytes \(start)-\(end)/\(data.count)"
    return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data[start...end])))
  }

  /// `bytes=a-b`, `bytes=a-` or `bytes=-n` as an inclusive range clamped to the file; nil when
  /// the header is not one of these (the whole file is sent).
  static func parse(_ header: String, size: Int) -> (Int, Int)? {
    guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
    let spec = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
    guard spec.count == 2 else { return nil }
    if spec[0].isEmpty {
      guard let n = Int(spec[1]), n > 0 else { return nil }
      return (max(0, size - n), size - 1)
    }
    guard let a = Int(spec[0]), a >= 0 else { return nil }
    // An open range starting past the end stays past the end: the caller answers 416.
    let b = spec[1].isEmpty ? max(a, size - 1) : (Int(spec[1]) ?? -1)
    guard b >= a else { return nil }
    return (a, min(b, size - 1))
  }
}
