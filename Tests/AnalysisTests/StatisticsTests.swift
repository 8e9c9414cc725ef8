import Foundation
import Testing

@testable import Analysis

@Suite("statistics")
struct StatisticsTests {
  static func direct(_ x: [Double]) -> (mean: Double, variance: Double, skew: Double, kurt: Double) {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    let m2 = x.map { pow($0 - mean, 2) }.reduce(0, +) / n
    let m3 = x.map { pow($0 - mean, 3) }.reduce(0, +) / n
    let m4 = x.map { pow($0 - mean, 4) }.reduce(0, +) / n
    return (mean, m2, m3 / pow(m2, 1.5), m4 / (m2 * m2) - 3)
  }

  /// Merging per-block moments equals computing them in one go, whatever the block sizes.
  @Test(arguments: [1, 7, 100, 1000])
  func mergedMomentsMatchDirect(_ blockSize: Int) {
    let values: [Double] = (0..<1000).map { (i: Int) -> Double in
      let wave: Double = sin(Double(i) * 0.37) * 3
      return wave + Double(i % 11) * 0.25 + 10
    }
    var merged = Moments()
    var i = 0
    while i < values.count {
      let block = Array(values[i..<min(values.count, i + blockSize)])
      block.withUnsafeBufferPointer { merged.merge(Moments($0)) }
      i += blockSize
    }
    let d = Self.direct(values)
    #expect(abs(merged.mean - d.mean) < 1e-12)
    #expect(abs(merged.variance - d.variance) < 1e-10)
    #expect(abs(merged.skewness - d.skew) < 1e-9)
    #expect(abs(merged.excessKurtosis - d.kurt) < 1e-9)
    #expect(merged.minimum == values.min())
    #expect(merged.maximum == values.max())
  }

  @Test func momentsSkipNonFinite() {
    let values: [Double] = [1, .nan, 2, .infinity, 3]
    let m = values.withUnsafeBufferPointer { Moments($0) }
    #expect(m.count == 3)
    #expect(m.mean == 2)
  }

  @Test func wassersteinOfShiftedSamplesIsTheShift() {
    let a = (0..<50).map { Double($0) / 7 }
    #expect(abs(Portrait.wasserstein(a, a.map { $0 + 0.5 }) - 0.5) < 1e-12)
    #expect(Portrait.wasserstein(a, a) == 0)
    // Different sizes: {0, 1} against {0, 0.5, 1}: ∫|F⁻¹ − G⁻¹| = 1/6.
    #expect(abs(Portrait.wasserstein([0, 1], [0, 0.5, 1]) - 1.0 / 6) < 1e-12)
  }

  @Test func histogramCountsEveryFiniteValue() {
    var h = Histogram(lower: -1, upper: 1, binCount: 4)
    let values: [Float] = [-1, -0.6, -0.1, 0, 0.4, 0.99, 1, .nan]
    values.withUnsafeBufferPointer { h.add($0) }
    #expect(h.counts == [2, 1, 2, 2])
  }

  /// The vector path against the one-value-at-a-time reference: random values with NaN, ±Inf,
  /// out-of-range values and lengths that leave a scalar tail, over zero-width ranges too.
  @Test(arguments: [(0, -1.0, 1.0), (7, -0.5, 0.25), (8, -1.0, 1.0), (1001, -0.3, 0.3), (4099, 0.2, 0.2)])
  func histogramVectorPathMatchesTheScalarReference(count: Int, lower: Double, upper: Double) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(count)
    let specials: [Float] = [.nan, .infinity, -.infinity, 5, -5, Float(lower), Float(upper), 0]
    let values: [Float] = (0..<count).map { i in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      if i % 37 == 3 { return specials[Int(state >> 61)] }
      return Float(Double(state >> 11) / Double(1 << 53) * 0.8 - 0.4)
    }
    var fast = Histogram(lower: lower, upper: upper, binCount: 64)
    var reference = fast
    let (a, b) = values.withUnsafeBufferPointer { (fast.add($0, countingBelow: 0.01), reference.addOneByOne($0, countingBelow: 0.01)) }
    #expect(fast.counts == reference.counts)
    #expect(a == b)
    #expect(fast.counts.reduce(0, +) == reference.counts.reduce(0, +))
  }

  @Test func keySuggestionFollowsItsInputs() {
    let a = KeySuggestion(rootStatistic: 272.7, rootSource: "r", meanAlpha: 4.05)
    let b = KeySuggestion(rootStatistic: 190.0, rootSource: "r", meanAlpha: 2.3)
    #expect(a.name != b.name)
    #expect(b.mode == "lydian")
    #expect(KeySuggestion(rootStatistic: 272.7, rootSource: "r", meanAlpha: 7).mode == "locrian")
    #expect(KeySuggestion.names.count == 12)
  }
}
