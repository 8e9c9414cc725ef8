import CPUFeatures
import AnalysisAVX2
import AnalysisAVX512
import Linalg

/// The per-value kernels at the process's instruction level (``Linalg/level``): the same
/// source compiled three times, so every level sums in the same order and the portraits are
/// byte-identical across levels (tested).
extension FusedPass {
  typealias Pass =
    @Sendable (UnsafePointer<Float>, Int, Int, Int, Int, Double, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
    -> Totals
  typealias HistogramPass = @Sendable (UnsafeBufferPointer<Float>, Double, Double, Int, Float, UnsafeMutablePointer<Int>) -> Int

  /// ``run(src:rows:stride:offset:cols:shift:dst:rowSquares:columnSquares:)`` at the level.
  static let atLevel: Pass = {
    switch Linalg.level {
    case .avx512: AnalysisAVX512.FusedPass.run
    case .avx2: AnalysisAVX2.FusedPass.run
    case .scalar: FusedPass.run
    }
  }()

  /// ``histogram(_:lower:scale:bins:limit:copies:)`` at the level.
  static let histogramAtLevel: HistogramPass = {
    switch Linalg.level {
    case .avx512: AnalysisAVX512.FusedPass.histogram
    case .avx2: AnalysisAVX2.FusedPass.histogram
    case .scalar: FusedPass.histogram
    }
  }()
}
