#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files all-or-nothing: the bytes go to a temporary file in the destination's folder,
/// are flushed to disk, and only then renamed over the destination. A failure (or a crash)
/// leaves no partial file and never damages an existing good one.
public enum AtomicFile {
  /// The whole content of a (small) file, or nil when it cannot be read. The counterpart of
  /// writes, for text inputs such as tokenizer files and corpora.
  public static func read(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
      if n == 0 { break }
      out += buffer[0..<n]
    }
    return ferror(f) == 0 ? out : nil
  }

  /// Why a write failed.
  public struct WriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write: \(reason)" }

    public init(path: String, reason: String) {
      self.path = path
      self.reason = reason
    }
  }

  /// Writes `bytes` to `path` atomically.
  public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(WriteError) {
    try write(to: path) { (fd: Int32) throws(WriteError) in
      try writeAll(fd, bytes, path: path)
    }
  }

  /// Writes `bytes` to `path` atomically.
  public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
    var failure: WriteError?
    bytes.withUnsafeBytes { buffer in
      do throws(WriteError) { try write(buffer, to: path) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Writes `text` as UTF-8 to `path` atomically.
  public static func write(_ text: String, to path: String) throws(WriteError) {
    try write(Array(text.utf8), to: path)
  }

  /// Creates a temporary file beside `path`, lets `body` fill it through a file descriptor,
  /// then syncs and renames it into place. On any error the temporary file is removed.
  public static func write(
    to path: String, _ body: (Int32) throws(WriteError) -> Void
  ) throws(WriteError) {
    let temporary = path + ".part-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
    do throws(WriteError) {
      try body(fd)
      guard fsync(fd) == 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
      guard close(fd) == 0 else {
        unlink(temporary)
        throw WriteError(path: path, reason: String(cString: strerror(errno)))
      }
    } catch {
      close(fd)
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw WriteError(path: path, reason: reason)
    }
  }

  /// Writes every byte of `bytes` to `fd`, retrying short writes.
  public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(WriteError) {
    var failure: WriteError?
    bytes.withUnsafeBytes { buffer in
      do throws(WriteError) { try writeAll(fd, buffer, path: path) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Writes every byte of `bytes` to `fd`, retrying short writes.
  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(WriteError) {
    var offset = 0
    while offset < bytes.count {
      guard let base = bytes.baseAddress else { return }
      let n = Glibc.write(fd, base + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw WriteError(path: path, reason: String(cString: strerror(errno)))
      }
      offset += n
    }
  }
}
