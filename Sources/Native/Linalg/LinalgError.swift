/// A LAPACK routine reported failure.
public struct LinalgError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The routine, e.g. `dsyevd`.
  public var routine: String
  /// LAPACK's `info`: negative means argument `-info` was invalid; positive means the
  /// algorithm failed to converge.
  public var info: Int32

  public var description: String {
    info < 0
      ? "\(routine): argument \(-info) is invalid"
      : "\(routine): failed to converge (info \(info))"
  }
}
