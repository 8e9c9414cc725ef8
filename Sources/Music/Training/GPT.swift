import CPUFeatures
import Linalg
import PackedGEMM
import PackedGEMMAVX2

/// The vector kernels at ``Linalg/level`` (AVX-512 or AVX2: the same source, the same
/// results), or nil at the scalar level, where the generic code runs.
let vectorKernels: (any VectorKernelSet.Type)? = {
  switch Linalg.level {
  case .avx512: PackedGEMM.VectorKernels.self
  case .avx2: PackedGEMMAVX2.VectorKernels.self
  case .scalar: nil
  }
}()

/// `p` as a Float pointer when S is Float and vector kernels are in use.
@inline(__always) func floats<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// A GPT-2-style decoder with its parameters, gradients and every activation a training step
/// needs, allocated once for a batch of `maxBatch` windows of up to `config.context` tokens:
/// the step loop allocates nothing.
///
/// The work is split into fixed parts (one per core) by rows, columns or attention heads, each
/// part writing only its own outputs, and every sum is reduced in a fixed order, so results do
/// not depend on thread timing: a seed gives byte-identical checkpoints. Matrix products are
/// OpenBLAS `gemm` calls, one thread each, one per part.
public final class GPT<S: TrainScalar>: @unchecked Sendable {
  public let config: GPTConfig
  public let layout: ParameterLayout
  public let maxBatch: Int
  /// The parameters, in ``ParameterLayout`` order.
  let params: Buffer<S>
  /// Gradients of the mean loss, same layout.
  let grads: Buffer<S>

  // Activations, per layer where needed ([layer][row][feature], rows = batch·time).
  let encoded, ln1, ln1Mean, ln1Rstd, qkv, atty, att, residual2, ln2, ln2Mean, ln2Rstd, fch, fchGelu, residual3: Buffer<S>
  let lnf, lnfMean, lnfRstd, logits, losses: Buffer<S>
  // Gradient scratch.
  let dResidual, dLn, dQkv, dAtty, dScores, dFch, dFchGelu: Buffer<S>
  let tokens, targets: Buffer<Int32>

  /// The shape of the last forward pass.
  public private(set) var batch = 0, time = 0
  let pool = WorkerPool.shared
  let parts: Int

  public init(config: GPTConfig, maxBatch: Int) {
    self.config = config
    self.maxBatch = maxBatch
    layout = ParameterLayout(config)
    let C = config.width, L = config.layers, V = config.vocabulary, T = config.context, NH = config.heads
    let BT = maxBatch * T
    parts = max(1, WorkerPool.shared.workers + 1)
    params = Buffer(layout.count, zero: 0)
    grads = Buffer(layout.count, zero: 0)
    encoded = Buffer(BT * C, zero: 0)
    ln1 = Buffer(L * BT * C, zero: 0)
    ln1Mean = Buffer(L * BT, zero: 0)
    ln1Rstd = Buffer(L * BT, zero: 0)
    qkv = Buffer(L * BT * 3 * C, zero: 0)
    atty = Buffer(L * BT * C, zero: 0)
    att = Buffer(L * maxBatch * NH * T * T, zero: 0)
    residual2 = Buffer(L * BT * C, zero: 0)
    ln2 = Buffer(L * BT * C, zero: 0)
    ln2Mean = Buffer(L * BT, zero: 0)
    ln2Rstd = Buffer(L * BT, zero: 0)
    fch = Buffer(L * BT * 4 * C, zero: 0)
    fchGelu = Buffer(L * BT * 4 * C, zero: 0)
    residual3 = Buffer(L * BT * C, zero: 0)
    lnf = Buffer(BT * C, zero: 0)
    lnfMean = Buffer(BT, zero: 0)
    lnfRstd = Buffer(BT, zero: 0)
    logits = Buffer(BT * V, zero: 0)
    losses = Buffer(BT, zero: 0)
    dResidual = Buffer(BT * C, zero: 0)
    dLn = Buffer(BT * C, zero: 0)
    dQkv = Buffer(BT * 3 * C, zero: 0)
    dAtty = Buffer(BT * C, zero: 0)
    dScores = Buffer(parts * T * T, zero: 0)
    dFch = Buffer(BT * 4 * C, zero: 0)
    dFchGelu = Buffer(BT * 4 * C, zero: 0)
    tokens = Buffer(BT, zero: 0)
    targets = Buffer(BT, zero: 0)
  }

  deinit {
    for b in [
      params, grads, encoded, ln1, ln1Mean, ln1Rstd, qkv, atty, att, residual2, ln2, ln2Mean, ln2Rstd, fch, fchGelu, residual3, lnf, lnfMean, lnfRstd,
      logits, losses, dResidual, dLn, dQkv, dAtty, dScores, dFch, dFchGelu,
    ] { b.free() }
    tokens.free()
    targets.free()
  }

  /// The parameters as an array (a copy).
  public var parameters: [S] {
    get { Array(UnsafeBufferPointer(start: params.p, count: layout.count)) }
    set {
      precondition(newValue.count == layout.count)
      newValue.withUnsafeBufferPointer { params.p.update(from: $0.baseAddress!, count: layout.count) }
    }
  }

  /// The gradients of the last ``backward()`` (a copy).
  public var gradients: [S] { Array(UnsafeBufferPointer(start: grads.p, count: layout.count)) }

  // MARK: - Parallel parts

  /// Runs `body(range)` over `0..<n` split into contiguous ranges, one per part.
  @inline(__always) func split(_ n: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
    let p = min(parts, max(1, n))
    if p == 1 {
      body(0..<n)
      return
    }
    pool.run(parts: p) { part in body((n * part / p)..<(n * (part + 1) / p)) }
  }

  /// Row-major `C = op(A)·op(B) + beta·C` with the rows of C split between the parts.
  func mm(
    _ tA: Bool, _ tB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafeMutablePointer<S>, _ lda: Int, _ b: UnsafeMutablePointer<S>, _ ldb: Int,
    _ beta: S, _ c: UnsafeMutablePointer<S>, _ ldc: Int
  ) {
    let a = Buffer(pointer: a), b = Buffer(pointer: b), c = Buffer(pointer: c)
    split(m) { rows in
      guard !rows.isEmpty else { return }
      let ap = tA ? a.p + rows.lowerBound : a.p + rows.lowerBound * lda
      S.gemm(tA, tB, rows.count, n, k, 1, ap, lda, b.p, ldb, beta, c.p + rows.lowerBound * ldc, ldc)
    }
  }

  // MARK: - Forward

  /// Runs the model on `batch` windows of `time` tokens (`tokens` row-major, ids in the
  /// vocabulary); with `targets`, returns the mean cross-entropy in nats (and leaves the
  /// probabilities for ``backward()``), else leaves the logits.
  @discardableResult
  func run(tokens input: UnsafePointer<Int32>, targets target: UnsafePointer<Int32>?, batch B: Int, time T: Int) -> S? {
    precondition(B <= maxBatch && T <= config.context && T > 0)
    batch = B
    time = T
    let C = config.width, L = config.layers, V = config.vocabulary, NH = config.heads, HS = config.headSize
    let BT = B * T
    tokens.p.update(from: input, count: BT)
    if let target { targets.p.update(from: target, count: BT) }
    let P = params, lay = layout, tok = tokens
    let encoded = self.encoded
    // Token and position embeddings.
    split(BT) { rows in
      for r in rows {
        let t = r % T
        let e = P.p + lay.wte + Int(tok[r]) * C, pos = P.p + lay.wpe + t * C, out = encoded.p + r * C
        for c in 0..<C { out[c] = e[c] + pos[c] }
      }
    }
    for l in 0..<L {
      let input = residualIn(l)
      let ln1 = self.ln1.at(l * BT * C), qkv = self.qkv.at(l * BT * 3 * C), atty = self.atty.at(l * BT * C)
      let att = self.att.at(l * maxBatch * NH * T * T), residual2 = self.residual2.at(l * BT * C), ln2 = self.ln2.at(l * BT * C)
      let fch = self.fch.at(l * BT * 4 * C), fchGelu = self.fchGelu.at(l * BT * 4 * C), residual3 = self.residual3.at(l * BT * C)
      layerNorm(input, ln1, ln1Mean.at(l * BT), ln1Rstd.at(l * BT), P.p + lay.ln1W[l], P.p + lay.ln1B[l], rows: BT)
      mm(false, false, BT, 3 * C, C, ln1, C, P.p + lay.qkvW[l], 3 * C, 0, qkv, 3 * C)
      addBias(qkv, P.p + lay.qkvB[l], rows: BT, width: 3 * C)
      attentionForward(qkv: qkv, att: att, out: atty, B: B, T: T)
      copy(input, into: residual2, count: BT * C)
      mm(false, false, BT, C, C, atty, C, P.p + lay.projW[l], C, 1, residual2, C)
      addBias(residual2, P.p + lay.projB[l], rows: BT, width: C)
      layerNorm(residual2, ln2, ln2Mean.at(l * BT), ln2Rstd.at(l * BT), P.p + lay.ln2W[l], P.p + lay.ln2B[l], rows: BT)
      mm(false, false, BT, 4 * C, C, ln2, C, P.p + lay.fcW[l], 4 * C, 0, fch, 4 * C)
      addBias(fch, P.p + lay.fcB[l], rows: BT, width: 4 * C)
      gelu(fch, fchGelu, count: BT * 4 * C)
      copy(residual2, into: residual3, count: BT * C)
      mm(false, false, BT, C, 4 * C, fchGelu, 4 * C, P.p + lay.fcProjW[l], C, 1, residual3, C)
      addBias(residual3, P.p + lay.fcProjB[l], rows: BT, width: C)
    }
    layerNorm(residualOut(L - 1), lnf.p, lnfMean.p, lnfRstd.p, P.p + lay.lnfW, P.p + lay.lnfB, rows: BT)
    mm(false, true, BT, V, C, lnf.p, C, P.p + lay.wte, C, 0, logits.p, V)
    guard target != nil else { return nil }
    // Softmax and cross-entropy per row; the probabilities stay in `logits`.
    let logits = self.logits, losses = self.losses, targets = self.targets
    split(BT) { rows in
      for r in rows {
        let row = logits.p + r * V
        var peak = row[0]
        for v in 1..<V where row[v] > peak { peak = row[v] }
        var sum: S = 0
        if S.self == Float.self, let kernels = vectorKernels {
          sum = S(kernels.exponentiate(floats(row), count: V, shift: Float(peak)))
        } else {
          for v in 0..<V {
            let e = S.exponential(row[v] - peak)
            row[v] = e
            sum += e
          }
        }
        let inverse = 1 / sum
        for v in 0..<V { row[v] *= inverse }
        losses[r] = -S.logarithm(row[Int(targets[r])])
      }
    }
    var total: S = 0
    for r in 0..<BT { total += losses[r] }
    return total / S(BT)
  }

  /// The input of layer `l`'s residual stream.
  func residualIn(_ l: Int) -> UnsafeMutablePointer<S> { l == 0 ? encoded.p : residualOut(l - 1) }
  func residualOut(_ l: Int) -> UnsafeMutablePointer<S> { residual3.at(l * batch * time * config.width) }

  /// Logits of row `r` (batch · time + position) after a forward pass without targets.
  public func logits(row r: Int) -> UnsafeBufferPointer<S> {
    UnsafeBufferPointer(start: logits.p + r * config.vocabulary, count: config.vocabulary)
  }

  // MARK: - Backward

  /// Gradients of the mean loss of the last ``forward(tokens:targets:batch:time:)`` (which
  /// must have had targets) into ``gradients``; they replace the previous step's.
  func backpropagate() {
    let B = batch, T = time, C = config.width, L = config.layers, V = config.vocabulary, NH = config.heads
    let BT = B * T
    let P = params, G = grads, lay = layout
    // dLoss/dlogits = (p − onehot) / BT.
    let logits = self.logits, targets = self.targets
    let scale = 1 / S(BT)
    split(BT) { rows in
      for r in rows {
        let row = logits.p + r * V
        row[Int(targets[r])] -= 1
        for v in 0..<V { row[v] *= scale }
      }
    }
    mm(true, false, V, C, BT, logits.p, V, lnf.p, C, 0, G.p + lay.wte, C)
    mm(false, false, BT, C, V, logits.p, V, P.p + lay.wte, C, 0, dLn.p, C)
    layerNormBackward(
      dout: dLn.p, input: residualOut(L - 1), mean: lnfMean.p, rstd: lnfRstd.p, weight: P.p + lay.lnfW, dinput: dResidual.p, accumulate: false,
      dweight: G.p + lay.lnfW, dbias: G.p + lay.lnfB, rows: BT)
    for l in stride(from: L - 1, through: 0, by: -1) {
      let input = residualIn(l)
      let ln1 = self.ln1.at(l * BT * C), qkv = self.qkv.at(l * BT * 3 * C), atty = self.atty.at(l * BT * C)
      let att = self.att.at(l * maxBatch * NH * T * T), residual2 = self.residual2.at(l * BT * C), ln2 = self.ln2.at(l * BT * C)
      let fch = self.fch.at(l * BT * 4 * C), fchGelu = self.fchGelu.at(l * BT * 4 * C)
      // MLP.
      mm(true, false, 4 * C, C, BT, fchGelu, 4 * C, dResidual.p, C, 0, G.p + lay.fcProjW[l], C)
      columnSums(dResidual.p, rows: BT, width: C, into: G.p + lay.fcProjB[l])
      mm(false, true, BT, 4 * C, C, dResidual.p, C, P.p + lay.fcProjW[l], C, 0, dFchGelu.p, 4 * C)
      geluBackward(fch, dFchGelu.p, dFch.p, count: BT * 4 * C)
      mm(true, false, C, 4 * C, BT, ln2, C, dFch.p, 4 * C, 0, G.p + lay.fcW[l], 4 * C)
      columnSums(dFch.p, rows: BT, width: 4 * C, into: G.p + lay.fcB[l])
      mm(false, true, BT, C, 4 * C, dFch.p, 4 * C, P.p + lay.fcW[l], 4 * C, 0, dLn.p, C)
      layerNormBackward(
        dout: dLn.p, input: residual2, mean: ln2Mean.at(l * BT), rstd: ln2Rstd.at(l * BT), weight: P.p + lay.ln2W[l], dinput: dResidual.p,
        accumulate: true, dweight: G.p + lay.ln2W[l], dbias: G.p + lay.ln2B[l], rows: BT)
      // Attention.
      mm(true, false, C, C, BT, atty, C, dResidual.p, C, 0, G.p + lay.projW[l], C)
      columnSums(dResidual.p, rows: BT, width: C, into: G.p + lay.projB[l])
      mm(false, true, BT, C, C, dResidual.p, C, P.p + lay.projW[l], C, 0, dAtty.p, C)
      attentionBackward(qkv: qkv, att: att, dout: dAtty.p, dqkv: dQkv.p, B: B, T: T)
      mm(true, false, C, 3 * C, BT, ln1, C, dQkv.p, 3 * C, 0, G.p + lay.qkvW[l], 3 * C)
      columnSums(dQkv.p, rows: BT, width: 3 * C, into: G.p + lay.qkvB[l])
      mm(false, true, BT, C, 3 * C, dQkv.p, 3 * C, P.p + lay.qkvW[l], 3 * C, 0, dLn.p, C)
      layerNormBackward(
        dout: dLn.p, input: input, mean: ln1Mean.at(l * BT), rstd: ln1Rstd.at(l * BT), weight: P.p + lay.ln1W[l], dinput: dResidual.p,
        accumulate: true, dweight: G.p + lay.ln1W[l], dbias: G.p + lay.ln1B[l], rows: BT)
    }
    // Embeddings: the token rows get the tied output's gradient plus the input's; split by
    // columns so no two parts touch the same value.
    let d = dResidual, tok = tokens
    let wpeCount = config.context * C
    let wpe = G.p + lay.wpe
    for i in 0..<wpeCount { wpe[i] = 0 }
    split(C) { columns in
      for r in 0..<BT {
        let t = r % T
        let src = d.p + r * C, e = G.p + lay.wte + Int(tok[r]) * C, pos = G.p + lay.wpe + t * C
        for c in columns {
          e[c] += src[c]
          pos[c] += src[c]
        }
      }
    }
  }

  // MARK: - Kernels

  func copy(_ from: UnsafeMutablePointer<S>, into to: UnsafeMutablePointer<S>, count: Int) {
    let f = Buffer(pointer: from), t = Buffer(pointer: to)
    split(count) { r in (t.p + r.lowerBound).update(from: f.p + r.lowerBound, count: r.count) }
  }

  func addBias(_ x: UnsafeMutablePointer<S>, _ bias: UnsafeMutablePointer<S>, rows: Int, width: Int) {
    let x = Buffer(pointer: x), b = Buffer(pointer: bias)
    split(rows) { rs in
      for r in rs {
        let row = x.p + r * width
        for c in 0..<width { row[c] += b.p[c] }
      }
    }
  }

  /// Column sums of a `rows × width` matrix (bias gradients), split by columns.
  func columnSums(_ x: UnsafeMutablePointer<S>, rows: Int, width: Int, into out: UnsafeMutablePointer<S>) {
    let x = Buffer(pointer: x), o = Buffer(pointer: out)
    split(width) { cols in
      for c in cols { o.p[c] = 0 }
      for r in 0..<rows {
        let row = x.p + r * width
        for c in cols { o.p[c] += row[c] }
      }
    }
  }

  func layerNorm(
    _ x: UnsafeMutablePointer<S>, _ out: UnsafeMutablePointer<S>, _ mean: UnsafeMutablePointer<S>, _ rstd: UnsafeMutablePointer<S>,
    _ w: UnsafeMutablePointer<S>, _ b: UnsafeMutablePointer<S>, rows: Int
  ) {
    let C = config.width
    let eps = S(GPTConfig.layerNormEpsilon)
    let x = Buffer(pointer: x), o = Buffer(pointer: out), m = Buffer(pointer: mean), s = Buffer(pointer: rstd)
    let w = Buffer(pointer: w), b = Buffer(pointer: b)
    split(rows) { rs in
      for r in rs {
        let row = x.p + r * C, y = o.p + r * C
        var mu: S = 0
        for c in 0..<C { mu += row[c] }
        mu /= S(C)
        var variance: S = 0
        for c in 0..<C {
          let d = row[c] - mu
          variance += d * d
        }
        variance /= S(C)
        let inv = 1 / S.squareRoot(variance + eps)
        for c in 0..<C { y[c] = (row[c] - mu) * inv * w.p[c] + b.p[c] }
        m.p[r] = mu
        s.p[r] = inv
      }
    }
  }

  /// LayerNorm's backward pass: `dinput` gets (or, with `accumulate`, adds) the input's
  /// gradient; the gain and bias gradients are column sums, split by columns.
  func layerNormBackward(
    dout: UnsafeMutablePointer<S>, input: UnsafeMutablePointer<S>, mean: UnsafeMutablePointer<S>, rstd: UnsafeMutablePointer<S>,
    weight: UnsafeMutablePointer<S>, dinput: UnsafeMutablePointer<S>, accumulate: Bool, dweight: UnsafeMutablePointer<S>,
    dbias: UnsafeMutablePointer<S>, rows: Int
  ) {
    let C = config.width
    let dy = Buffer(pointer: dout), x = Buffer(pointer: input), m = Buffer(pointer: mean), s = Buffer(pointer: rstd)
    let w = Buffer(pointer: weight), dx = Buffer(pointer: dinput), dw = Buffer(pointer: dweight), db = Buffer(pointer: dbias)
    split(rows) { rs in
      for r in rs {
        let g = dy.p + r * C, row = x.p + r * C, out = dx.p + r * C
        let mu = m.p[r], inv = s.p[r]
        var meanD: S = 0, meanDN: S = 0
        for c in 0..<C {
          let n = (row[c] - mu) * inv
          let d = g[c] * w.p[c]
          meanD += d
          meanDN += d * n
        }
        meanD /= S(C)
        meanDN /= S(C)
        for c in 0..<C {
          let n = (row[c] - mu) * inv
          let v = (g[c] * w.p[c] - meanD - n * meanDN) * inv
          if accumulate { out[c] += v } else { out[c] = v }
        }
      }
    }
    split(C) { cols in
      for c in cols {
        dw.p[c] = 0
        db.p[c] = 0
      }
      for r in 0..<rows {
        let g = dy.p + r * C, row = x.p + r * C
        let mu = m.p[r], inv = s.p[r]
        for c in cols {
          dw.p[c] += g[c] * (row[c] - mu) * inv
          db.p[c] += g[c]
        }
      }
    }
  }

  /// √(2/π), GELU's tanh approximation (GPT-2's `gelu_new`).
  static var geluScale: S { S(0.797_884_560_802_865_4) }

  func gelu(_ x: UnsafeMutablePointer<S>, _ y: UnsafeMutablePointer<S>, count: Int) {
    let x = Buffer(pointer: x), y = Buffer(pointer: y)
    if S.self == Float.self, let kernels = vectorKernels {
      split(count) { r in kernels.geluTanh(floats(x.p + r.lowerBound), into: floats(y.p + r.lowerBound), count: r.count) }
      return
    }
    let k = Self.geluScale, a = S(0.044715), half: S = 0.5
    split(count) { r in
      for i in r {
        let v = x.p[i]
        y.p[i] = half * v * (1 + S.hyperbolicTangent(k * (v + a * v * v * v)))
      }
    }
  }

  func geluBackward(_ x: UnsafeMutablePointer<S>, _ dy: UnsafeMutablePointer<S>, _ dx: UnsafeMutablePointer<S>, count: Int) {
    let x = Buffer(pointer: x), dy = Buffer(pointer: dy), dx = Buffer(pointer: dx)
    if S.self == Float.self, let kernels = vectorKernels {
      split(count) { r in
        kernels.geluTanhBackward(floats(x.p + r.lowerBound), gradient: floats(dy.p + r.lowerBound), into: floats(dx.p + r.lowerBound), count: r.count)
      }
      return
    }
    let k = Self.geluScale, a = S(0.044715), half: S = 0.5
    split(count) { r in
      for i in r {
        let v = x.p[i]
        let u = k * (v + a * v * v * v)
        let th = S.hyperbolicTangent(u)
        let sech2 = 1 - th * th
        let local = half * (1 + th) + half * v * sech2 * k * (1 + 3 * a * v * v)
        dx.p[i] = local * dy.p[i]
      }
    }
  }

  /// Rows of attention computed together. Causality means a block of query rows needs only
  /// the keys up to its last row: with blocks of 64 on a 256-token window the score and value
  /// products do 10/16 of the full square's work (measured: a step 9 % faster than full
  /// squares on the AMD EPYC Zen 4 here).
  static var attentionBlock: Int { 64 }

  /// Causal self-attention per (window, head): scores by `gemm` one block of query rows at a
  /// time (each against the keys up to its last row), a masked softmax per row, the weighted
  /// values by another `gemm` per block; the heads are split between the parts. Entries right
  /// of the diagonal inside a block are stored as zeros (the products read them); entries past
  /// a block's last column are never read.
  func attentionForward(qkv: UnsafeMutablePointer<S>, att: UnsafeMutablePointer<S>, out: UnsafeMutablePointer<S>, B: Int, T: Int) {
    let C = config.width, NH = config.heads, HS = config.headSize
    let scale = 1 / S.squareRoot(S(HS))
    let block = Self.attentionBlock
    let q = Buffer(pointer: qkv), a = Buffer(pointer: att), o = Buffer(pointer: out)
    split(B * NH) { pairs in
      for pair in pairs {
        let b = pair / NH, h = pair % NH
        let Q = q.p + b * T * 3 * C + h * HS, K = Q + C, Vv = Q + 2 * C
        let S_ = a.p + pair * T * T
        var r0 = 0
        while r0 < T {
          let r1 = min(T, r0 + block)
          S.gemm(false, true, r1 - r0, r1, HS, scale, Q + r0 * 3 * C, 3 * C, K, 3 * C, 0, S_ + r0 * T, T)
          for t in r0..<r1 {
            let row = S_ + t * T
            var peak = row[0]
            if t > 0 { for j in 1...t where row[j] > peak { peak = row[j] } }
            var sum: S = 0
            if S.self == Float.self, let kernels = vectorKernels {
              sum = S(kernels.exponentiate(floats(row), count: t + 1, shift: Float(peak)))
            } else {
              for j in 0...t {
                let e = S.exponential(row[j] - peak)
                row[j] = e
                sum += e
              }
            }
            let inverse = 1 / sum
            for j in 0...t { row[j] *= inverse }
            for j in (t + 1)..<r1 { row[j] = 0 }
          }
          S.gemm(false, false, r1 - r0, HS, r1, 1, S_ + r0 * T, T, Vv, 3 * C, 0, o.p + (b * T + r0) * C + h * HS, C)
          r0 = r1
        }
      }
    }
  }

  func attentionBackward(qkv: UnsafeMutablePointer<S>, att: UnsafeMutablePointer<S>, dout: UnsafeMutablePointer<S>, dqkv: UnsafeMutablePointer<S>, B: Int, T: Int) {
    let C = config.width, NH = config.heads, HS = config.headSize
    let scale = 1 / S.squareRoot(S(HS))
    let block = Self.attentionBlock
    let q = Buffer(pointer: qkv), a = Buffer(pointer: att), dO = Buffer(pointer: dout), dq = Buffer(pointer: dqkv)
    let scratch = dScores
    let p = min(parts, B * NH)
    pool.run(parts: p) { part in
      let dS = scratch.p + part * T * T
      for pair in (B * NH * part / p)..<(B * NH * (part + 1) / p) {
        let b = pair / NH, h = pair % NH
        let Q = q.p + b * T * 3 * C + h * HS, K = Q + C, Vv = Q + 2 * C
        let dQ = dq.p + b * T * 3 * C + h * HS, dK = dQ + C, dV = dQ + 2 * C
        let A = a.p + pair * T * T
        let G = dO.p + b * T * C + h * HS
        // Row blocks: the probabilities' gradient, the softmax's backward, then dQ.
        var r0 = 0
        while r0 < T {
          let r1 = min(T, r0 + block)
          S.gemm(false, true, r1 - r0, r1, HS, 1, G + r0 * C, C, Vv, 3 * C, 0, dS + r0 * T, T)
          for t in r0..<r1 {
            let arow = A + t * T, drow = dS + t * T
            var dot: S = 0
            for j in 0...t { dot += arow[j] * drow[j] }
            for j in 0...t { drow[j] = arow[j] * (drow[j] - dot) }
            for j in (t + 1)..<r1 { drow[j] = 0 }
          }
          S.gemm(false, false, r1 - r0, HS, r1, scale, dS + r0 * T, T, K, 3 * C, 0, dQ + r0 * 3 * C, 3 * C)
          r0 = r1
        }
        // Column blocks: dV and dK of keys j0..<j1 take the queries from j0 on.
        var j0 = 0
        while j0 < T {
          let j1 = min(T, j0 + block)
          S.gemm(true, false, j1 - j0, HS, T - j0, 1, A + j0 * T + j0, T, G + j0 * C, C, 0, dV + j0 * 3 * C, 3 * C)
          S.gemm(true, false, j1 - j0, HS, T - j0, scale, dS + j0 * T + j0, T, Q + j0 * 3 * C, 3 * C, 0, dK + j0 * 3 * C, 3 * C)
          j0 = j1
        }
      }
    }
  }
}

// The entry points, one per number type, in this file: a debug build compiles file by file, and
// only here can the compiler specialise the generic step for Float and Double (called from
// another file, the generic code ran unspecialised: 1,600 tokens/s instead of 27,000, measured).
extension GPT where S == Float {
  /// Runs the model on `batch` windows of `time` tokens (`tokens` row-major, ids in the
  /// vocabulary); with `targets`, returns the mean cross-entropy in nats (and leaves the
  /// probabilities for ``backward()``), else leaves the logits.
  @discardableResult
  public func forward(tokens: UnsafePointer<Int32>, targets: UnsafePointer<Int32>?, batch: Int, time: Int) -> Float? {
    run(tokens: tokens, targets: targets, batch: batch, time: time)
  }

  /// Gradients of the mean loss of the last forward pass (which must have had targets) into
  /// ``gradients``; they replace the previous step's.
  public func backward() { backpropagate() }
}

extension GPT where S == Double {
  @discardableResult
  public func forward(tokens: UnsafePointer<Int32>, targets: UnsafePointer<Int32>?, batch: Int, time: Int) -> Double? {
    run(tokens: tokens, targets: targets, batch: batch, time: time)
  }

  public func backward() { backpropagate() }
}

extension Buffer {
  /// A view of memory another buffer owns (never freed through it).
  init(pointer: UnsafeMutablePointer<S>) {
    self.p = pointer
    self.count = 0
  }
}
