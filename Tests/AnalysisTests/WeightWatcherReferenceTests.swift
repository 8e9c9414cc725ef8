import Foundation
import Testing

@testable import Analysis

/// Our metrics against WeightWatcher 0.7.7's own code on the same spectra
/// (Tests/Tooling/make_analysis_fixtures.py).
@Suite("WeightWatcher reference")
struct WeightWatcherReferenceTests {
  struct Case: Decodable, Sendable, CustomTestStringConvertible {
    var label: String
    var rows: Int
    var cols: Int
    var eigenvalues: [Double]
    var alpha: Double
    var xmin: Double
    var D: Double
    var numPlSpikes: Int
    var entropy: Double
    var matrixRank: Int
    var sigmaMp: Double
    var numSpikes: Int
    var mpSoftrank: Double
    var testDescription: String { label }

    /// The fixture keeps WeightWatcher's names.
    enum CodingKeys: String, CodingKey {
      case label, rows, cols, eigenvalues, alpha, xmin, D, entropy
      case numPlSpikes = "num_pl_spikes"
      case matrixRank = "matrix_rank"
      case sigmaMp = "sigma_mp"
      case numSpikes = "num_spikes"
      case mpSoftrank = "mp_softrank"
    }
  }

  static let cases: [Case] = {
    struct File: Decodable { var cases: [Case] }
    guard let url = Bundle.module.url(forResource: "Fixtures/weightwatcher-reference", withExtension: "json"),
      let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data)
    else { return [] }
    return file.cases
  }()

  @Test func fixturesLoaded() { #expect(Self.cases.count == 5) }

  @Test(arguments: cases)
  func powerLawFit(_ c: Case) throws {
    let fit = try #require(PowerLawFit(eigenvalues: c.eigenvalues))
    #expect(abs(fit.alpha - c.alpha) <= 1e-9 * c.alpha, "alpha \(fit.alpha) vs \(c.alpha)")
    #expect(fit.xmin == c.xmin)
    #expect(abs(fit.D - c.D) <= 1e-12)
    #expect(fit.tailSize == c.numPlSpikes)
  }

  @Test(arguments: cases)
  func entropyAndRank(_ c: Case) {
    let n = max(c.rows, c.cols)
    let metrics = SpectralMetrics(
      eigenvalues: c.eigenvalues, rows: c.rows, cols: c.cols, rankTolerance: Double(n) * Double.ulpOfOne)
    #expect(metrics.matrixRank == c.matrixRank)
    #expect(abs(metrics.entropy - c.entropy) <= 1e-9)
  }

  @Test(arguments: cases)
  func marchenkoPasturFit(_ c: Case) throws {
    let fit = try #require(MarchenkoPasturFit(eigenvalues: c.eigenvalues, rows: c.rows, cols: c.cols))
    // The grid search is the same; the final polish (Nelder-Mead) is ours, so allow a small
    // difference in sigma.
    #expect(abs(fit.sigma - c.sigmaMp) <= 0.01 * c.sigmaMp, "sigma \(fit.sigma) vs \(c.sigmaMp)")
    #expect(abs(fit.numSpikes - c.numSpikes) <= 1, "spikes \(fit.numSpikes) vs \(c.numSpikes)")
    #expect(abs(fit.softRank - c.mpSoftrank) <= 0.02 * c.mpSoftrank + 1e-4, "softrank \(fit.softRank) vs \(c.mpSoftrank)")
  }

  /// The minimum tail size option excludes small tails and changes nothing when it is 1.
  @Test func minimumTailSize() throws {
    let c = try #require(Self.cases.first { $0.label.hasPrefix("spiked") })
    let plain = try #require(PowerLawFit(eigenvalues: c.eigenvalues, minimumTailSize: 1))
    let guarded = try #require(PowerLawFit(eigenvalues: c.eigenvalues, minimumTailSize: 140))
    #expect(abs(plain.alpha - c.alpha) <= 1e-9 * c.alpha)
    #expect(guarded.tailSize >= 140)
  }
}
