public import Analysis

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Comparison {
  /// One SVG per matrix present in both checkpoints, A's and B's spectra on shared axes with
  /// their power-law fits (``SpectrumPlot/init(title:_:_:)``), in ranking order (largest change
  /// first), and an `index.html`. Fused tensors give one plot per slice, paired by role.
  public func plotFiles(portraits: (Portrait, Portrait)) -> [(name: String, contents: String)] {
    var plots: [(plot: SpectrumPlot, caption: String)] = []
    for e in ranking {
      let ma = portraits.0.tensors.filter { $0.tensor == e.tensor }
      let mb = portraits.1.tensors.filter { $0.tensor == e.tensorB }
      for a in ma {
        guard let b = mb.first(where: { $0.role == a.role }) else { continue }
        let change = e.relativeChange.map { "relative change \(Self.short($0))" } ?? "relative change -"
        let alphas = "α \(a.alpha.map { Self.short($0) } ?? "-") → \(b.alpha.map { Self.short($0) } ?? "-")"
        plots.append((SpectrumPlot(title: a.name, .init(a, label: "A"), .init(b, label: "B")), "\(a.name) · \(change) · \(alphas)"))
      }
    }
    return SpectrumPlot.files(
      plots, heading: "Spectra of A and B",
      legend: "A = \(modelA), B = \(modelB). \(plots.count) matrices, largest change first. Blue/red: A's density and power-law fit; orange/purple: B's.")
  }

  static func short(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    if x != 0 && abs(x) < 1e-3 {
      let e = Int((log10(abs(x))).rounded(.down))
      let m = (x / pow(10, Double(e)) * 100).rounded() / 100
      return "\(m)e\(e)"
    }
    return String((x * 1000).rounded() / 1000)
  }
}
