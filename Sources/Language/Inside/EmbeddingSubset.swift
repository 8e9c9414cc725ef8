/// The tokens a report's embedding figures show when the vocabulary is too large to draw (and
/// too large for an exact neighbour embedding): at most `limit` ids, chosen without
/// randomness so the same vocabulary and prompt give the same subset.
///
/// Rule: a vocabulary of at most `limit` tokens is shown whole. Otherwise: the prompt's tokens,
/// then the special tokens (at most a tenth of the limit), then the rest of the budget shared
/// between the categories in proportion to their size (at least 10 each, when they have them),
/// each category's share taken at evenly spaced positions of its ids in order. The result is
/// sorted by category (``TokenCategory`` order), then id.
public enum EmbeddingSubset {
  /// The neighbour embedding's default budget: exact t-SNE is O(n²) per iteration, and 500
  /// points take about a second (AMD EPYC Zen 4, release build).
  public static let defaultLimit = 500

  public static func choose(categories: [TokenCategory], prompt: [Int], limit: Int = defaultLimit) -> [Int] {
    let V = categories.count
    func sorted(_ ids: [Int]) -> [Int] {
      ids.sorted { categories[$0] != categories[$1] ? categories[$0] < categories[$1] : $0 < $1 }
    }
    guard V > limit else { return sorted(Array(0..<V)) }
    var chosen = Set(prompt.filter { $0 >= 0 && $0 < V }.prefix(limit / 2))
    let specials = (0..<V).filter { categories[$0] == .special && !chosen.contains($0) }
    for id in specials.prefix(limit / 10) { chosen.insert(id) }
    var members: [TokenCategory: [Int]] = [:]
    for id in 0..<V where categories[id] != .special && !chosen.contains(id) { members[categories[id], default: []].append(id) }
    let budget = limit - chosen.count
    let total = members.values.reduce(0) { $0 + $1.count }
    var quota: [TokenCategory: Int] = [:]
    for (c, m) in members { quota[c] = min(m.count, max(min(10, m.count), budget * m.count / max(total, 1))) }
    // Trim the largest shares until the budget holds.
    while quota.values.reduce(0, +) > budget, let big = quota.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }), big.value > 0 {
      quota[big.key] = big.value - 1
    }
    for (c, m) in members {
      let q = quota[c] ?? 0
      for i in 0..<q { chosen.insert(m[(2 * i + 1) * m.count / (2 * q)]) }
    }
    return sorted(Array(chosen))
  }
}
