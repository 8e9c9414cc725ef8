import Foundation
import Inside
import SeededRandom
import Testing
import _TestSupport

/// The report's embedding mathematics on constructions with known answers.
@Suite("Inside: PCA, neighbour embedding, subsets, PNG")
struct ProjectionTests {
  /// Points a·u + b·v + c in 6-D with var(a) = 9, var(b) = 1: PCA recovers u and v (up to
  /// the fixed sign) and explains 90 % and 10 % of the variance.
  @Test func principalComponentsRecoverAKnownPlane() throws {
    let u: [Double] = [1, 2, 0, 0, 2, 0].map { $0 / 3 }
    let v: [Double] = [0, 0, 3, 4, 0, 0].map { $0 / 5 }
    let c: [Double] = [5, -1, 2, 0, 1, 7]
    var rng = SplitMix64(seed: 11)
    var rows: [Float] = []
    var a: [Double] = [], b: [Double] = []
    for _ in 0..<2000 {
      let (g1, g2) = rng.gaussianPair()
      a.append(3 * g1)
      b.append(g2)
    }
    // Exact variances: centre and rescale the drawn samples.
    func standardise(_ x: [Double], sd: Double) -> [Double] {
      let m = x.reduce(0, +) / Double(x.count)
      let s = (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
      return x.map { ($0 - m) / s * sd }
    }
    a = standardise(a, sd: 3)
    // Uncorrelated in the sample too (else the sample's axes turn a little away from u and v).
    let k = zip(a, b).map(*).reduce(0, +) / a.map { $0 * $0 }.reduce(0, +)
    b = standardise(zip(a, b).map { $1 - k * $0 }, sd: 1)
    for i in 0..<2000 { rows += (0..<6).map { Float(a[i] * u[$0] + b[i] * v[$0] + c[$0]) } }
    let pca = try PrincipalComponents(width: 6, count: 2) { feed in
      try rows.withUnsafeBufferPointer { all in
        try feed(UnsafeBufferPointer(rebasing: all[0..<6000]))
        try feed(UnsafeBufferPointer(rebasing: all[6000...]))
      }
    }
    let axis0 = Array(pca.axes[0..<6]), axis1 = Array(pca.axes[6..<12])
    let dot0 = zip(axis0, u).map(*).reduce(0, +), dot1 = zip(axis1, v).map(*).reduce(0, +)
    #expect(abs(abs(dot0) - 1) < 1e-5 && abs(abs(dot1) - 1) < 1e-5)
    #expect(abs(pca.explained[0] - 0.9) < 1e-4 && abs(pca.explained[1] - 0.1) < 1e-4)
    for (m, e) in zip(pca.mean, c) { #expect(abs(m - e) < 1e-4) }
    // Coordinates are a and b themselves (up to sign).
    let projected = pca.project(Array(rows[0..<60]))
    for i in 0..<10 {
      #expect(abs(abs(projected[2 * i]) - abs(a[i])) < 1e-4)
      #expect(abs(abs(projected[2 * i + 1]) - abs(b[i])) < 1e-4)
    }
  }

  /// Three well separated clusters in 20-D: in the plane every point's nearest neighbour is in
  /// its own cluster, and the same seed gives the same map bit for bit.
  @Test func neighbourEmbeddingKeepsClustersApart() {
    var rng = SplitMix64(seed: 5)
    var values: [Double] = []
    var label: [Int] = []
    for k in 0..<3 {
      let centre = (0..<20).map { _ in rng.gaussianPair().0 * 10 }
      for _ in 0..<40 {
        values += centre.map { $0 + rng.gaussianPair().0 }
        label.append(k)
      }
    }
    var tsne = NeighbourEmbedding(seed: 42)
    tsne.iterations = 500
    let (y, divergence) = tsne.embed(values, width: 20)
    let n = label.count
    var same = 0
    for i in 0..<n {
      var best = -1
      var bestD = Double.infinity
      for j in 0..<n where j != i {
        let d = pow(y[2 * i] - y[2 * j], 2) + pow(y[2 * i + 1] - y[2 * j + 1], 2)
        if d < bestD { (best, bestD) = (j, d) }
      }
      if label[best] == label[i] { same += 1 }
    }
    #expect(same == n)
    #expect(divergence.isFinite && divergence > 0 && divergence < 2)
    #expect(tsne.embed(values, width: 20).points == y)
    // A different seed starts elsewhere.
    #expect(NeighbourEmbedding(seed: 43).embed(values, width: 20).points != y)
  }

  @Test func tokenCategories() {
    #expect(TokenCategory.text(" capital", special: false) == .wordStart)
    #expect(TokenCategory.text("ital", special: false) == .continuation)
    #expect(TokenCategory.text(" 1984", special: false) == .digits)
    #expect(TokenCategory.text("7", special: false) == .digits)
    #expect(TokenCategory.text(",", special: false) == .punctuation)
    #expect(TokenCategory.text(" ", special: false) == .punctuation)
    #expect(TokenCategory.text("\n\n", special: false) == .punctuation)
    #expect(TokenCategory.text("<|im_start|>", special: true) == .special)
    #expect(TokenCategory.music("NOTE_ON_60") == .noteOn)
    #expect(TokenCategory.music("NOTE_OFF_60") == .noteOff)
    #expect(TokenCategory.music("TIME_SHIFT_4") == .timeShift)
    #expect(TokenCategory.music("BOS") == .special)
  }

  /// The subset keeps the prompt, some specials and every category, stays in budget and is
  /// sorted by category then id; a small vocabulary is kept whole.
  @Test func embeddingSubset() {
    let categories: [TokenCategory] = (0..<5000).map { i in
      i < 3 ? .special : i % 7 == 0 ? .digits : i % 5 == 0 ? .punctuation : i % 2 == 0 ? .wordStart : .continuation
    }
    let prompt = [4321, 17, 2, 17]
    let subset = EmbeddingSubset.choose(categories: categories, prompt: prompt, limit: 200)
    #expect(subset.count <= 200 && subset.count >= 190)
    #expect(Set(subset).isSuperset(of: prompt))
    #expect(Set(subset).isSuperset(of: [0, 1, 2]))
    #expect(Set(subset.map { categories[$0] }) == Set(TokenCategory.text))
    #expect(subset == subset.sorted { categories[$0] != categories[$1] ? categories[$0] < categories[$1] : $0 < $1 })
    #expect(Set(subset).count == subset.count)
    #expect(EmbeddingSubset.choose(categories: categories, prompt: prompt, limit: 200) == subset)
    #expect(EmbeddingSubset.choose(categories: Array(categories.prefix(150)), prompt: [], limit: 200).count == 150)
  }

  /// The PNG decodes with Python's zlib to the same pixels (test tooling).
  @Test func pngDecodesToItsPixels() throws {
    let palette: [(UInt8, UInt8, UInt8)] = (0..<256).map { (UInt8($0), UInt8(255 - $0), 7) }
    let (w, h) = (300, 250)  // more than one 64 KiB stored block
    let pixels = (0..<(w * h)).map { UInt8(($0 * 31 + $0 / w) % 256) }
    let png = IndexedPNG(width: w, height: h, palette: palette, pixels: pixels)
    let dir = TemporaryDirectory()
    let path = dir.file("t.png")
    try Data(png.bytes).write(to: URL(fileURLWithPath: path))
    let check = try CommandRunner.pythonJSON("check_png.py", path)
    #expect(check["width"] as? Int == w && check["height"] as? Int == h)
    #expect(check["palette"] as? Int == 256)
    #expect(check["pixel_checksum"] as? Int == pixels.reduce(0) { ($0 * 31 + Int($1)) % 1_000_000_007 })
  }

  /// Two heads with opposite habits (one parks on the first token, one attends to itself).
  @Test func headProfilesOfConstructedHeads() throws {
    let T = 4
    var attention = [Float](repeating: 0, count: 2 * T * T)
    for q in 0..<T {
      attention[(0 * T + q) * T + 0] = 1  // head 0 → first token
      attention[(1 * T + q) * T + q] = 1  // head 1 → itself
    }
    let keys: [TokenCategory] = [.special, .wordStart, .continuation, .wordStart]
    let profile = HeadProfile(categories: TokenCategory.text, passes: [([attention], keys)], heads: 2)
    #expect(profile.classes == ["first", "word_start", "continuation", "digits", "punctuation", "special"])
    #expect(profile.mass[0][0] == [1, 0, 0, 0, 0, 0])
    let selfMass = profile.mass[0][1]
    #expect(abs(selfMass[1] - 2.0 / 3) < 1e-12 && abs(selfMass[2] - 1.0 / 3) < 1e-12 && selfMass[0] == 0)
    let pair = try #require(profile.mostDifferentPair)
    #expect(pair.a == (0, 0) && pair.b == (0, 1) && abs(pair.distance - 1) < 1e-12)
  }
}
