/// A deterministic white-noise source (xorshift32). Every voice seeds its own from the note
/// it plays, so the same score always gives the same samples, whatever the thread count.
public struct Noise: Sendable, Hashable {
  private var state: UInt32

  /// `seed` 0 is replaced by a fixed non-zero value (xorshift never leaves 0).
  public init(seed: UInt32) {
    state = seed == 0 ? 0x9E37_79B9 : seed
  }

  /// Uniform in [−1, 1).
  @inline(__always)
  public mutating func next() -> Float {
    state ^= state << 13
    state ^= state >> 17
    state ^= state << 5
    return Float(Int32(bitPattern: state)) * (1.0 / 2_147_483_648.0)
  }
}
