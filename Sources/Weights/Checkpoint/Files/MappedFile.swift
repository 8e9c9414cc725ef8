#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only memory map of a whole file.
///
/// Mapping is free (no bytes are read until touched), so opening a multi-gigabyte model to read
/// its header costs microseconds. Tensor bytes are read in place: nothing is copied until a
/// decoder converts them. ``release(_:)`` hands pages back to the kernel after a streaming
/// pass, so resident memory does not grow with the model.
///
/// Sendable: the mapping is `PROT_READ` and immutable for the object's lifetime, so any thread
/// may read it; the class exists only to own the mapping and unmap it exactly once.
public final class MappedFile: @unchecked Sendable {
  /// The path as given.
  public let path: String
  /// File size in bytes.
  public let size: Int
  /// Modification time, seconds since 1970 (with nanoseconds), for cache keys.
  public let modificationTime: Double
  private let base: UnsafeRawPointer?

  /// Maps `path` read-only.
  /// - Throws: ``CheckpointError`` with reason `.cannotOpen` when the file cannot be opened,
  ///   is not a regular file, or cannot be mapped.
  public init(path: String) throws(CheckpointError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CheckpointError(file: path, reason: .cannotOpen(Self.errnoText())) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw CheckpointError(file: path, reason: .cannotOpen(Self.errnoText())) }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw CheckpointError(file: path, reason: .cannotOpen("not a regular file"))
    }
    size = Int(info.st_size)
    modificationTime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    if size == 0 {
      base = nil
      return
    }
    guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
      throw CheckpointError(file: path, reason: .cannotOpen(Self.errnoText()))
    }
    base = UnsafeRawPointer(pointer)
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
  }

  /// All bytes of the file.
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

  /// The bytes in `range`, which the caller has checked lies inside the file.
  public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
    precondition(range.lowerBound >= 0 && range.upperBound <= size, "range outside mapped file")
    guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
  }

  /// Tells the kernel the pages covering `range` are no longer needed, so resident memory drops
  /// after a streaming pass. Reading them again faults them back in from the page cache.
  public func release(_ range: Range<Int>) {
    guard let base, !range.isEmpty else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (range.lowerBound / page) * page
    let end = min(size, range.upperBound)
    guard end > start else { return }
    madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
  }

  /// Hints that `range` will be read soon (sequentially).
  public func willNeed(_ range: Range<Int>) {
    guard let base, !range.isEmpty else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (range.lowerBound / page) * page
    let end = min(size, range.upperBound)
    guard end > start else { return }
    madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_WILLNEED)
  }

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}
