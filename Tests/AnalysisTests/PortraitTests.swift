import Anatomy
import Checkpoint
import Foundation
import Testing
import _TestSupport

@testable import Analysis

@Suite("portrait")
struct PortraitTests {
  static func portrait(_ model: SyntheticModels.Model, threads: Int = 0) throws -> (Portrait, Checkpoint, TemporaryDirectory) {
    let dir = TemporaryDirectory()
    let path = try SyntheticModels.write(model, to: dir)
    let checkpoint = try ModelResolver(environment: [:]).open(path)
    let p = Portrait.build(checkpoint: checkpoint, anatomy: Anatomy(checkpoint: checkpoint), options: AnalysisOptions(threads: threads))
    return (p, checkpoint, dir)
  }

  /// GPT-2's Conv1D weights are stored [in, out]: row norms must be per output neuron, and the
  /// fused c_attn is analysed as three [768/3-wide] slices.
  @Test func gpt2OrientationAndSlices() throws {
    let (p, c, _) = try Self.portrait(SyntheticModels.gpt2(layers: 2, hidden: 8))
    let proj = try #require(p.matrix("h.1.mlp.c_proj.weight"))
    #expect(proj.shape == [8, 32])  // [out, in]; stored [32, 8]
    let stored = try c.decode(named: "h.1.mlp.c_proj.weight")  // 32 rows × 8 columns
    for out in 0..<8 {
      let norm = (0..<32).map { Double(stored[$0 * 8 + out]) }.reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(abs(proj.rowNorms[out] - norm) < 1e-9)
    }
    #expect(proj.columnNorms.count == 32)
    let q = try #require(p.matrix("h.0.attn.c_attn.weight:attn.q"))
    let v = try #require(p.matrix("h.0.attn.c_attn.weight:attn.v"))
    #expect(q.shape == [8, 8])
    #expect(q.outputs == [0, 8])
    #expect(v.outputs == [16, 24])
    // The slices partition the fused tensor: their squared norms add up to the whole.
    let whole = try c.decode(named: "h.0.attn.c_attn.weight").reduce(0.0) { $0 + Double($1) * Double($1) }
    let parts = ["attn.q", "attn.k", "attn.v"].compactMap { p.matrix("h.0.attn.c_attn.weight:" + $0) }
    #expect(abs(parts.reduce(0) { $0 + $1.frobeniusNorm * $1.frobeniusNorm } - whole) < 1e-9)
    #expect(p.layers.count == 2)
    #expect(p.layers[1].tension != nil)
    #expect(p.layers[0].spectralDistance.isEmpty)
    #expect(!p.layers[1].spectralDistance.isEmpty)
    // Σλ = ‖W‖²_F: a free check of the spectrum code.
    for m in p.tensors {
      let total = m.singularValues.reduce(0) { $0 + $1 * $1 }
      #expect(abs(total - m.frobeniusNorm * m.frobeniusNorm) <= 1e-9 * max(1, total), "\(m.name)")
    }
  }

  @Test func gemmaGainsAreOffset() throws {
    let (p, c, _) = try Self.portrait(SyntheticModels.gemma3())
    let name = "model.layers.0.input_layernorm.weight"
    let v = try #require(p.vectors.first { $0.name == name })
    let stored = try c.decode(named: name)
    #expect(v.offset == 1)
    #expect(v.values == stored.map { Double($0) + 1 })
    #expect(p.layers[0].normGains["norm.input"] == v.mean)
  }

  /// NaN and Inf entries are counted and flagged, and never poison the other numbers.
  @Test func nanAndInfAreFlagged() throws {
    let dir = TemporaryDirectory()
    var values = (0..<64).map { Float(($0 * 37) % 19) - 9 }
    values[5] = .nan
    values[40] = .infinity
    values[41] = -.infinity
    try SafetensorsWriter(entries: [.init(name: "bad.weight", shape: [8, 8], floats: values)]).write(to: dir.file("model.safetensors"))
    let c = try ModelResolver(environment: [:]).open(dir.path)
    let p = Portrait.build(checkpoint: c, anatomy: Anatomy(checkpoint: c))
    let m = try #require(p.matrix("bad.weight"))
    #expect(m.flagged)
    #expect(m.nanCount == 1)
    #expect(m.infCount == 2)
    #expect(m.mean.isFinite && m.std.isFinite && m.kurtosis.isFinite)
    #expect(m.singularValues.allSatisfy { $0.isFinite })
    #expect(m.histogram.counts.reduce(0, +) == 61)
    #expect(p.summary.warnings.contains { $0.contains("bad.weight holds 1 NaN and 2 infinite") })
  }

  /// The same model gives byte-identical portraits whatever the number of threads.
  @Test func identicalAcrossThreadCounts() throws {
    let model = SyntheticModels.llama(layers: 4, hidden: 16, heads: 4, kvHeads: 2, vocab: 64)
    let dir = TemporaryDirectory()
    let checkpoint = try ModelResolver(environment: [:]).open(try SyntheticModels.write(model, to: dir))
    let anatomy = Anatomy(checkpoint: checkpoint)
    let portraits = [1, 2, 3].map { Portrait.build(checkpoint: checkpoint, anatomy: anatomy, options: AnalysisOptions(threads: $0)) }
    let a = try portraits[0].jsonData(), b = try portraits[1].jsonData(), c = try portraits[2].jsonData()
    #expect(a == b)
    #expect(a == c)
  }

  @Test func cacheKeyFollowsTheFile() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("model.safetensors")
    try SafetensorsWriter(entries: [.init(name: "w", shape: [4, 4], floats: (0..<16).map(Float.init))]).write(to: path)
    let first = PortraitCache.key(for: try Checkpoint.openSafetensors(at: path), options: AnalysisOptions())
    #expect(first == PortraitCache.key(for: try Checkpoint.openSafetensors(at: path), options: AnalysisOptions()))
    #expect(first != PortraitCache.key(for: try Checkpoint.openSafetensors(at: path), options: AnalysisOptions(method: .exact)))
    #expect(first != PortraitCache.key(for: try Checkpoint.openSafetensors(at: path), options: AnalysisOptions(minimumTailSize: 5)))
    // Same size and header, different values: the modification time changes the key.
    Thread.sleep(forTimeInterval: 0.01)
    try SafetensorsWriter(entries: [.init(name: "w", shape: [4, 4], floats: (0..<16).map { Float($0) * 2 })]).write(to: path)
    let second = PortraitCache.key(for: try Checkpoint.openSafetensors(at: path), options: AnalysisOptions())
    #expect(first != second)
  }

  @Test func cacheRoundTrip() throws {
    let (p, c, dir) = try Self.portrait(SyntheticModels.bert(layers: 2))
    let cache = PortraitCache(directory: dir.path + "/cache")
    let key = PortraitCache.key(for: c, options: AnalysisOptions())
    #expect(cache.load(key: key) == nil)
    try cache.store(p, key: key)
    let loaded = try #require(cache.load(key: key))
    #expect(try loaded.jsonData() == p.jsonData())
  }
}

@Suite("portraits of the real default models")
struct RealPortraitTests {
  static func check(_ p: Portrait) {
    #expect(!p.tensors.isEmpty)
    for m in p.tensors {
      #expect(m.singularValues.allSatisfy { $0.isFinite && $0 >= 0 }, "\(m.name)")
      #expect(m.singularValues == m.singularValues.sorted(by: >), "\(m.name)")
      #expect(m.frobeniusNorm > 0 && m.std > 0, "\(m.name)")
      #expect((m.stableRank ?? 0) >= 1, "\(m.name)")
      #expect(m.logNorm != nil && m.logSpectralNorm != nil, "\(m.name)")
      #expect((m.entropy ?? -1) > 0 && (m.entropy ?? 2) <= 1.0001, "\(m.name)")
      #expect(m.matrixRank > 0 && m.matrixRank <= m.M, "\(m.name)")
      if m.M >= 10 {
        let a = m.alpha ?? 0
        #expect(a > 1 && a < 40, "\(m.name) alpha \(a)")
        #expect(m.numSpikes != nil && m.mpSoftrank != nil, "\(m.name)")
      }
      #expect(!m.flagged, "\(m.name)")
    }
    #expect(p.layers.allSatisfy { ($0.tension ?? 0) > 0 })
    #expect(p.summary.alpha.map { $0 > 1.5 && $0 < 10 } == true)
  }

  @Test func miniLM() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let c = try ModelResolver(environment: [:]).open(Repository.miniLM)
    let p = Portrait.build(checkpoint: c, anatomy: Anatomy(checkpoint: c))
    Self.check(p)
    #expect(p.tensors.count == 40)
    #expect(p.layers.count == 6)
    #expect(p.summary.embedding == "embeddings.word_embeddings.weight")
    #expect(p.matrix("embeddings.word_embeddings.weight")?.singularValues.count == 384)
  }

  @Test func smolLM2() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let c = try Checkpoint.openGGUF(at: Repository.smolLM2)
    let p = Portrait.build(checkpoint: c, anatomy: Anatomy(checkpoint: c))
    Self.check(p)
    #expect(p.tensors.count == 211)
    #expect(p.layers.count == 30)
    #expect(p.vectors.count == 61)
    // The 49152-row embedding is analysed (WeightWatcher would skip it).
    #expect(p.matrix("token_embd.weight")?.N == 49152)
    // Different models give different keys.
    let mini = try ModelResolver(environment: [:]).open(Repository.miniLM)
    let q = Portrait.build(checkpoint: mini, anatomy: Anatomy(checkpoint: mini))
    #expect(p.summary.suggestedKey != q.summary.suggestedKey)
  }
}
