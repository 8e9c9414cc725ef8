/// Where each attention head looks: its attention mass by key category, averaged over the
/// queries of several prompts (`eigentone report` §5).
///
/// Key categories are the tokens' ``TokenCategory`` plus one positional class, `first` (the
/// first token of the prompt, whatever it is), which takes precedence: many heads park their
/// attention on the first token (an "attention sink"), and counting that mass as, say, a
/// word-start would hide it. Query 0 is left out (it can only attend to itself).
public struct HeadProfile: Sendable {
  /// The key classes, in column order: "first", then the categories.
  public let classes: [String]
  /// [layer][head][class]: mean attention mass (each row sums to 1).
  public let mass: [[[Double]]]
  /// How many prompts were averaged.
  public let prompts: Int

  /// `passes`: per prompt, its attention as ``Inference/ForwardPass/attention`` lays it out
  /// (`[layer][(h · T + q) · T + k]`) and its keys' categories.
  public init(categories: [TokenCategory], passes: [(attention: [[Float]], keys: [TokenCategory])], heads: Int) {
    classes = ["first"] + categories.map(\.rawValue)
    let L = passes.first?.attention.count ?? 0
    var mass = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: categories.count + 1), count: heads), count: L)
    var counted = 0
    for pass in passes {
      let T = pass.keys.count
      guard T >= 2, pass.attention.count == L else { continue }
      counted += 1
      let column = pass.keys.enumerated().map { k, c in k == 0 ? 0 : 1 + (categories.firstIndex(of: c) ?? (categories.count - 1)) }
      for l in 0..<L {
        for h in 0..<heads {
          var sums = [Double](repeating: 0, count: categories.count + 1)
          for q in 1..<T {
            for k in 0...q { sums[column[k]] += Double(pass.attention[l][(h * T + q) * T + k]) }
          }
          for c in sums.indices { mass[l][h][c] += sums[c] / Double(T - 1) }
        }
      }
    }
    if counted > 0 { mass = mass.map { $0.map { $0.map { $0 / Double(counted) } } } }
    self.mass = mass
    prompts = counted
  }

  /// Total variation distance between two heads' profiles (0…1: the share of attention mass
  /// that would have to move to turn one into the other).
  public func distance(_ a: (layer: Int, head: Int), _ b: (layer: Int, head: Int)) -> Double {
    zip(mass[a.layer][a.head], mass[b.layer][b.head]).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
  }

  /// The most different pair of heads (largest total variation distance; ties: the first in
  /// layer-then-head order), and their distance.
  public var mostDifferentPair: (a: (layer: Int, head: Int), b: (layer: Int, head: Int), distance: Double)? {
    let all = mass.indices.flatMap { l in mass[l].indices.map { (layer: l, head: $0) } }
    guard all.count >= 2 else { return nil }
    var best = (a: all[0], b: all[1], distance: -1.0)
    for i in all.indices {
      for j in (i + 1)..<all.count {
        let d = distance(all[i], all[j])
        if d > best.distance { best = (all[i], all[j], d) }
      }
    }
    return best
  }
}
