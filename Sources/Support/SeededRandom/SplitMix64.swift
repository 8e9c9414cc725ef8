import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast, well-mixed generator whose stream
/// is fixed by its seed on every machine and Swift version; the generated genres draw every
/// choice from it, so a piece is the same wherever it is made.
public struct SplitMix64: Sendable {
  var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `0..<n` (n > 0), by the high half of a 128-bit product (Lemire), without the
  /// rejection step: the bias is below 2⁻⁵⁰ for the small n used here.
  public mutating func below(_ n: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(n)).high)
  }

  /// Uniform in the range.
  public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

  /// Uniform in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Two independent standard normal values (Box–Muller; the first uniform kept above 2⁻⁵³
  /// so its logarithm is finite).
  public mutating func gaussianPair() -> (Double, Double) {
    let u1 = max(unit(), 0x1p-53), u2 = unit()
    let r = (-2 * log(u1)).squareRoot()
    return (r * cos(2 * Double.pi * u2), r * sin(2 * Double.pi * u2))
  }

  /// True with probability `p`.
  public mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// One element of a non-empty array.
  public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  /// A shuffled copy (Fisher–Yates).
  public mutating func shuffled<T>(_ items: [T]) -> [T] {
    var a = items
    var i = a.count - 1
    while i > 0 {
      a.swapAt(i, below(i + 1))
      i -= 1
    }
    return a
  }
}

extension String {
  /// FNV-1a, 64 bits, of the UTF-8 bytes: a stable hash (Swift's `hashValue` is seeded per
  /// process), used for seeds and for the train/validation split.
  public var stableHash: UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return h
  }
}
