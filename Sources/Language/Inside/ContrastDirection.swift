/// A contrast direction between two prompt sets (Arditi et al. 2024's difference of means,
/// for any two sets): per layer, the mean residual stream of the positive prompts minus that of
/// the negative ones, each prompt first averaged over its chosen positions, in Double; its unit
/// vector is the direction. Layer l is the residual stream after block l (0-based).
///
/// The chosen layer is the one whose direction best separates held-out prompts: every fifth
/// prompt of each set (index 4, 9, …) is held out, the direction is recomputed from the rest,
/// and the held-out prompts' projections on it are scored by Cohen's d (the difference of the two
/// sets' mean projections over their pooled standard deviation); layers in the last 20 % are
/// excluded, as in the paper (they act on the output, not on what the prompt is). The directions
/// written are those of all the prompts, so anyone can recompute them from the prompts.
public struct ContrastDirection: Sendable {
  public struct Layer: Sendable, Hashable {
    public var layer: Int
    /// Unit vector (hidden size).
    public var direction: [Double]
    /// Length of the difference of means before normalising.
    public var norm: Double
    /// Cohen's d of the held-out prompts' projections (positive: positives project higher).
    public var separation: Double
  }

  public var layers: [Layer]
  public var chosenLayer: Int

  /// `positive[i][l]` and `negative[i][l]`: prompt i's residual stream after block l, averaged
  /// over its chosen positions (hidden size each).
  public init(positive: [[[Double]]], negative: [[[Double]]]) {
    let L = positive.first?.count ?? 0
    let d = positive.first?.first?.count ?? 0
    func mean(_ rows: [[Double]]) -> [Double] {
      var m = [Double](repeating: 0, count: d)
      for r in rows { for i in 0..<d { m[i] += r[i] } }
      return m.map { $0 / Double(max(1, rows.count)) }
    }
    func unit(_ v: [Double]) -> ([Double], Double) {
      let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return (n > 0 ? v.map { $0 / n } : v, n)
    }
    func heldOut(_ i: Int) -> Bool { i % 5 == 4 }
    var layers: [Layer] = []
    for l in 0..<L {
      let all = zip(mean(positive.map { $0[l] }), mean(negative.map { $0[l] })).map { $0 - $1 }
      let (direction, norm) = unit(all)
      // Held-out separation.
      let trainP = positive.indices.filter { !heldOut($0) }.map { positive[$0][l] }
      let trainN = negative.indices.filter { !heldOut($0) }.map { negative[$0][l] }
      let (r, _) = unit(zip(mean(trainP), mean(trainN)).map { $0 - $1 })
      func projections(_ set: [[[Double]]]) -> [Double] {
        set.indices.filter(heldOut).map { i in zip(set[i][l], r).reduce(0) { $0 + $1.0 * $1.1 } }
      }
      let p = projections(positive), n = projections(negative)
      var separation = 0.0
      if p.count >= 2 && n.count >= 2 {
        let mp = p.reduce(0, +) / Double(p.count), mn = n.reduce(0, +) / Double(n.count)
        let vp = p.reduce(0) { $0 + ($1 - mp) * ($1 - mp) } / Double(p.count - 1)
        let vn = n.reduce(0) { $0 + ($1 - mn) * ($1 - mn) } / Double(n.count - 1)
        separation = (mp - mn) / max(((vp + vn) / 2).squareRoot(), 1e-12)
      }
      layers.append(Layer(layer: l, direction: direction, norm: norm, separation: separation))
    }
    self.layers = layers
    let eligible = layers.filter { $0.layer < max(1, Int(0.8 * Double(L))) }
    chosenLayer = eligible.max { $0.separation != $1.separation ? $0.separation < $1.separation : $0.layer > $1.layer }?.layer ?? 0
  }
}
