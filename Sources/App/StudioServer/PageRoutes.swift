import Hummingbird

/// The page's three files, embedded in the binary at build time from `Page/` (SwiftPM's
/// `.embedInCode`), so `eigentone` serves its page wherever it is copied.
struct PageRoutes<Context: RequestContext>: Sendable {
  /// Path → (content type, bytes).
  static var files: [String: (type: String, bytes: [UInt8])] {
    [
      "/": ("text/html; charset=utf-8", PackageResources.index_html),
      "/studio.js": ("text/javascript; charset=utf-8", PackageResources.studio_js),
      "/studio.css": ("text/css; charset=utf-8", PackageResources.studio_css),
    ]
  }

  func add(to router: Router<Context>) {
    for (path, file) in Self.files {
      router.get(RouterPath(path)) { _, _ in
        Response(
          status: .ok, headers: [.contentType: file.type, .cacheControl: "no-store"],
          body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
      }
    }
  }
}
