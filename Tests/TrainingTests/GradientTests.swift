import Foundation
import Testing
import Training

/// The trainer's mathematics on constructions with known answers.
@Suite("GPT trainer: gradients and optimizer")
struct GradientTests {
  static let tiny = GPTConfig(layers: 2, width: 8, heads: 2, context: 5, vocabulary: 11)

  static func batch(_ config: GPTConfig, rows: Int, time: Int, seed: UInt64) -> (tokens: [Int32], targets: [Int32]) {
    var s = seed
    func next() -> Int32 {
      s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int32((s >> 33) % UInt64(config.vocabulary))
    }
    return ((0..<(rows * time)).map { _ in next() }, (0..<(rows * time)).map { _ in next() })
  }

  /// Every parameter's gradient against central finite differences in Double: per tensor,
  /// ‖numeric − analytic‖ / (‖numeric‖ + ‖analytic‖) ≤ 1e-6.
  @Test func gradientsMatchFiniteDifferences() {
    let model = GPT<Double>(config: Self.tiny, maxBatch: 2)
    model.initialize(seed: 7)
    // Five times GPT-2's 0.02 so every path carries a gradient well above rounding (at twenty
    // times the central difference's own h² error reaches 1e-3 on the embeddings: it fell 100×
    // from h = 1e-5 to 1e-6, so it is the difference's error, not the gradient's).
    model.parameters = model.parameters.enumerated().map { i, v in v * 5 + 0.05 * sin(Double(i)) }
    let (tokens, targets) = Self.batch(Self.tiny, rows: 2, time: 4, seed: 3)
    func loss() -> Double {
      tokens.withUnsafeBufferPointer { t in
        targets.withUnsafeBufferPointer { y in model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 2, time: 4) ?? .nan }
      }
    }
    _ = loss()
    model.backward()
    let analytic = model.gradients
    var parameters = model.parameters
    let h = 1e-5
    for tensor in model.layout.tensors {
      var diff = 0.0, normN = 0.0, normA = 0.0
      for i in tensor.offset..<(tensor.offset + tensor.count) {
        let saved = parameters[i]
        parameters[i] = saved + h
        model.parameters = parameters
        let up = loss()
        parameters[i] = saved - h
        model.parameters = parameters
        let down = loss()
        parameters[i] = saved
        let numeric = (up - down) / (2 * h)
        diff += (numeric - analytic[i]) * (numeric - analytic[i])
        normN += numeric * numeric
        normA += analytic[i] * analytic[i]
      }
      model.parameters = parameters
      let relative = diff.squareRoot() / max(normN.squareRoot() + normA.squareRoot(), 1e-300)
      // wpe rows past the window get no gradient (both zero).
      if normN == 0 && normA == 0 { continue }
      #expect(relative <= 1e-6, "\(tensor.name): relative error \(relative)")
    }
  }

  /// At initialisation the model is nearly uniform: the loss is within 0.1 of ln V.
  @Test func initialLossIsLogVocabulary() {
    let config = GPTConfig.seed
    let model = GPT<Float>(config: config, maxBatch: 2)
    model.initialize(seed: 1)
    let (tokens, targets) = Self.batch(config, rows: 2, time: 64, seed: 9)
    let loss = tokens.withUnsafeBufferPointer { t in
      targets.withUnsafeBufferPointer { y in model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 2, time: 64) }
    }
    #expect(abs(Double(loss ?? 0) - log(291.0)) < 0.1, "\(String(describing: loss))")
  }

  /// One batch is memorised: the loss falls below 0.1.
  @Test func overfitsOneBatch() {
    let config = GPTConfig(layers: 2, width: 32, heads: 4, context: 32, vocabulary: 291)
    let model = GPT<Float>(config: config, maxBatch: 4)
    model.initialize(seed: 2)
    let optimizer = AdamW(layout: model.layout)
    let (tokens, targets) = Self.batch(config, rows: 4, time: 32, seed: 5)
    var loss: Float = .infinity
    for step in 1...300 {
      loss = tokens.withUnsafeBufferPointer { t in
        targets.withUnsafeBufferPointer { y in model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 4, time: 32) ?? .nan }
      }
      model.backward()
      optimizer.step(model, t: step, lr: 1e-2)
    }
    #expect(loss < 0.1, "loss after 300 steps: \(loss)")
  }

  /// One AdamW step against its closed form (the first step moves each parameter by −lr·sign(g)
  /// after decay, since m̂ = g and v̂ = g²).
  @Test func adamWStepClosedForm() {
    let config = GPTConfig(layers: 1, width: 8, heads: 2, context: 4, vocabulary: 11)
    let model = GPT<Float>(config: config, maxBatch: 1)
    model.initialize(seed: 4)
    let (tokens, targets) = Self.batch(config, rows: 1, time: 4, seed: 8)
    _ = tokens.withUnsafeBufferPointer { t in
      targets.withUnsafeBufferPointer { y in model.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 1, time: 4) }
    }
    model.backward()
    let before = model.parameters, g = model.gradients
    let optimizer = AdamW(layout: model.layout)
    let lr = 1e-3
    optimizer.step(model, t: 1, lr: lr)
    let after = model.parameters
    let s = optimizer.settings
    for tensor in model.layout.tensors {
      for i in tensor.offset..<(tensor.offset + tensor.count) {
        let p = Double(before[i]) * (tensor.decays ? 1 - lr * s.weightDecay : 1)
        let m = (1 - s.beta1) * Double(g[i]) / (1 - s.beta1)
        let v = (1 - s.beta2) * Double(g[i]) * Double(g[i]) / (1 - s.beta2)
        let expected = p - lr * m / (v.squareRoot() + s.epsilon)
        #expect(abs(Double(after[i]) - expected) <= 1e-6 * max(1, abs(expected)), "\(tensor.name)[\(i - tensor.offset)]")
      }
    }
    // And a second step from the stored moments.
    let (m1, v1) = optimizer.moments
    optimizer.step(model, t: 2, lr: lr)
    let after2 = model.parameters
    for i in stride(from: 0, to: g.count, by: 37) {
      let p = Double(after[i]) * (model.layout.tensors.first { $0.offset <= i && i < $0.offset + $0.count }!.decays ? 1 - lr * s.weightDecay : 1)
      let m = s.beta1 * Double(m1[i]) + (1 - s.beta1) * Double(g[i])
      let v = s.beta2 * Double(v1[i]) + (1 - s.beta2) * Double(g[i]) * Double(g[i])
      let expected = p - lr * (m / (1 - s.beta1 * s.beta1)) / ((v / (1 - s.beta2 * s.beta2)).squareRoot() + s.epsilon)
      #expect(abs(Double(after2[i]) - expected) <= 1e-6 * max(1, abs(expected)))
    }
  }

  /// The schedule: linear warm-up to the peak over 100 steps, then a cosine to a tenth.
  @Test func learningRateSchedule() {
    var s = TrainingSettings()
    s.steps = 1200
    s.learningRate = 3e-4
    #expect(abs(s.learningRate(at: 0) - 3e-6) < 1e-12)
    #expect(abs(s.learningRate(at: 99) - 3e-4) < 1e-12)
    #expect(abs(s.learningRate(at: 100) - 3e-4) < 1e-12)
    #expect(abs(s.learningRate(at: 650) - (3e-5 + 0.5 * 2.7e-4)) < 1e-9)
    #expect(abs(s.learningRate(at: 1200) - 3e-5) < 1e-12)
    // A short run warms up over a tenth of its steps.
    s.steps = 50
    #expect(abs(s.learningRate(at: 4) - 3e-4) < 1e-12)
  }

  /// The Float trainer (vector kernels for GELU, its gradient and the softmaxes; blocked
  /// attention on a 160-token window) gives the Double trainer's gradients (checked against
  /// finite differences above) to float precision: per tensor within 1e-3 relative. Measured:
  /// at most 3.5e-4 with the vector kernels, 3.4e-4 at EIGENTONE_ISA=scalar (glibc's expf and
  /// tanhf), so the difference is float32's, not the kernels'; a wrong kernel is off by O(1).
  @Test func floatGradientsMatchDouble() {
    let config = GPTConfig(layers: 2, width: 32, heads: 2, context: 160, vocabulary: 291)
    let single = GPT<Float>(config: config, maxBatch: 2), double = GPT<Double>(config: config, maxBatch: 2)
    double.initialize(seed: 5)
    double.parameters = double.parameters.map { $0 * 10 }
    single.parameters = double.parameters.map(Float.init)
    let (tokens, targets) = Self.batch(config, rows: 2, time: 150, seed: 6)
    let l1 = tokens.withUnsafeBufferPointer { t in
      targets.withUnsafeBufferPointer { y in single.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 2, time: 150) ?? .nan }
    }
    let l2 = tokens.withUnsafeBufferPointer { t in
      targets.withUnsafeBufferPointer { y in double.forward(tokens: t.baseAddress!, targets: y.baseAddress!, batch: 2, time: 150) ?? .nan }
    }
    #expect(abs(Double(l1) - l2) < 1e-5 * l2)
    single.backward()
    double.backward()
    let g1 = single.gradients, g2 = double.gradients
    for tensor in single.layout.tensors {
      var diff = 0.0, norm = 0.0
      for i in tensor.offset..<(tensor.offset + tensor.count) {
        diff += (Double(g1[i]) - g2[i]) * (Double(g1[i]) - g2[i])
        norm += g2[i] * g2[i]
      }
      if norm == 0 { continue }
      #expect((diff / norm).squareRoot() < 1e-3, "\(tensor.name): \((diff / norm).squareRoot())")
    }
  }
}
