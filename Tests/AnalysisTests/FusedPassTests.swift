public import CPUFeatures
import AnalysisAVX2
import AnalysisAVX512
import Linalg
import Testing

@testable import Analysis

/// The per-value kernels are compiled twice (portable and AVX-512); both must agree with a
/// one-value-at-a-time reference, whatever the CPU the tests run on.
@Suite("fused pass")
struct FusedPassTests {
  /// A block with NaN, ±Inf, zeros and a ragged width (a vector part and a scalar tail).
  static func block(rows: Int, stride: Int, seed: UInt64) -> [Float] {
    var state = seed
    let specials: [Float] = [.nan, .infinity, -.infinity, 0, 3, -3]
    return (0..<(rows * stride)).map { i in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      if i % 29 == 5 { return specials[Int(state >> 61) % specials.count] }
      return Float(Double(state >> 11) / Double(1 << 53) - 0.5)
    }
  }

  @Test(arguments: [(3, 21, 2, 17), (5, 64, 0, 64), (2, 9, 1, 7), (4, 40, 8, 8)])
  func bothCompilationsMatchTheReference(rows: Int, stride: Int, offset: Int, cols: Int) throws {
    let src = Self.block(rows: rows, stride: stride, seed: UInt64(rows * 1000 + cols))
    var reference = PowerSums(shift: 0.25)
    var refRows = [Double](repeating: 0, count: rows), refCols = [Double](repeating: 0, count: cols)
    var refNaN = 0, refInf = 0
    for r in 0..<rows {
      for c in 0..<cols {
        let v = Double(src[r * stride + offset + c])
        if v.isNaN {
          refNaN += 1
        } else if v.isInfinite {
          refInf += 1
        } else {
          reference.add(v)
          refRows[r] += v * v
          refCols[c] += v * v
        }
      }
    }
    // Every compilation this CPU runs (scalar, AVX-512, AVX2), each against the reference, and
    // all of them bit for bit alike.
    let kernels = [Analysis.FusedPass.run, AnalysisAVX512.FusedPass.run, AnalysisAVX2.FusedPass.run]
    let levels: [InstructionLevel] = [.scalar, .avx512, .avx2]
    var outputs: [[Double]] = []
    for (k, run) in kernels.enumerated() where levels[k] <= Linalg.supportedLevel {
      var dst = [Double](repeating: .nan, count: rows * cols)
      var rowSq = [Double](repeating: 0, count: rows), colSq = [Double](repeating: 0, count: cols)
      let t = src.withUnsafeBufferPointer { s in
        dst.withUnsafeMutableBufferPointer { d in
          rowSq.withUnsafeMutableBufferPointer { rs in
            colSq.withUnsafeMutableBufferPointer { cs in
              run(s.baseAddress!, rows, stride, offset, cols, 0.25, d.baseAddress!, rs.baseAddress!, cs.baseAddress!)
            }
          }
        }
      }
      #expect(t.nan == refNaN && t.inf == refInf)
      #expect(t.n == reference.n)
      for (a, b) in [(t.s1, reference.s1), (t.s2, reference.s2), (t.s3, reference.s3), (t.s4, reference.s4)] {
        #expect(abs(a - b) <= 1e-12 * max(1, abs(b)))
      }
      #expect(t.minimum == reference.minimum && t.maximum == reference.maximum)
      for i in 0..<rows { #expect(abs(rowSq[i] - refRows[i]) <= 1e-12 * max(1, refRows[i])) }
      for i in 0..<cols { #expect(abs(colSq[i] - refCols[i]) <= 1e-12 * max(1, refCols[i])) }
      for r in 0..<rows {
        for c in 0..<cols {
          let v = src[r * stride + offset + c]
          #expect(dst[r * cols + c] == (v.isFinite ? Double(v) : 0))
        }
      }
      outputs.append([t.n, t.s1, t.s2, t.s3, t.s4, t.minimum, t.maximum] + rowSq + colSq)
    }
    #expect(outputs.count == levels.filter { $0 <= Linalg.supportedLevel }.count)
    #expect(outputs.allSatisfy { $0 == outputs[0] })
  }

  @Test(arguments: [(-0.5, 0.5, 64), (-0.1, 0.3, 16), (0.2, 0.2, 8)])
  func bothHistogramCompilationsMatchTheReference(lower: Double, upper: Double, bins: Int) {
    let values = Self.block(rows: 1, stride: 1003, seed: UInt64(bins))
    var reference = Histogram(lower: lower, upper: upper, binCount: bins)
    let small = values.withUnsafeBufferPointer { reference.addOneByOne($0, countingBelow: 0.05) }
    let scale = upper > lower ? Double(bins) / (upper - lower) : 0
    let kernels = [Analysis.FusedPass.histogram, AnalysisAVX512.FusedPass.histogram, AnalysisAVX2.FusedPass.histogram]
    let levels: [InstructionLevel] = [.scalar, .avx512, .avx2]
    for (k, histogram) in kernels.enumerated() where levels[k] <= Linalg.supportedLevel {
      var copies = [Int](repeating: 0, count: Analysis.FusedPass.copyCount * (bins + 1))
      let count = values.withUnsafeBufferPointer { v in
        copies.withUnsafeMutableBufferPointer { histogram(v, lower, scale, bins, 0.05, $0.baseAddress!) }
      }
      let counts = (0..<bins).map { b in (0..<Analysis.FusedPass.copyCount).reduce(0) { $0 + copies[$1 * (bins + 1) + b] } }
      #expect(counts == reference.counts)
      #expect(count == small)
    }
  }
}
