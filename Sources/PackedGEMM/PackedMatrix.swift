public import Linalg

/// A weight matrix packed once for repeated products `y = x · Wᵀ` with AVX-512 (16-float
/// vectors): the outputs are grouped in panels of 16, and each panel is stored input by input,
/// so the kernel streams one contiguous vector per input and never repacks (OpenBLAS packs
/// the weights again on every call, which cost a fifth of a forward pass).
///
/// This module is compiled for x86-64 with AVX-512 (`-target-cpu skylake-avx512`): call
/// anything in it only when ``Linalg/hasAVX512`` is true (``PackedMatrix/isAvailable`` is the
/// caller's guard, evaluated outside this module).
///
/// Results do not depend on the thread count: every output is one thread's sum over the inputs
/// in order.
public struct PackedMatrix: Sendable {
  /// Outputs (rows of W).
  public let rows: Int
  /// Inputs (columns of W).
  public let columns: Int
  /// Panels of 16 outputs, padded with zero rows to an even number of panels; panel `p`,
  /// input `k` is element `p · columns + k`.
  let panels: [SIMD16<Float>]

  var panelCount: Int { panels.count / max(1, columns) }

  /// Packs W given row-major (`rows × columns`, output by output).
  public init(rowMajor w: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
    self.init(rows: rows, columns: columns) { r, c in w[r * columns + c] }
  }

  /// Packs W given as its transpose (`columns × rows`, input by input: GPT-2's Conv1D layout).
  public init(columnMajor w: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
    self.init(rows: rows, columns: columns) { r, c in w[c * rows + r] }
  }

  init(rows: Int, columns: Int, element: (Int, Int) -> Float) {
    self.rows = rows
    self.columns = columns
    let count = (rows + 31) / 32 * 2
    // [SIMD16<Float>] is allocated 64-byte aligned, so no vector load splits a cache line.
    var panels = [SIMD16<Float>](repeating: SIMD16(), count: count * columns)
    panels.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      UnsafeMutableRawPointer(base).withMemoryRebound(to: Float.self, capacity: buffer.count * 16) { out in
        for p in 0..<count {
          for j in 0..<16 where p &* 16 &+ j < rows {
            let r = p &* 16 &+ j
            for k in 0..<columns { out[(p &* columns &+ k) &* 16 &+ j] = element(r, k) }
          }
        }
      }
    }
    self.panels = panels
  }

  /// `y = x · Wᵀ`: `x` is `tokens × columns` row-major, `y` becomes `tokens × rows`. Work is
  /// split by pairs of panels over `threads` threads of `pool`.
  public func multiply(_ x: UnsafePointer<Float>, tokens: Int, into y: UnsafeMutablePointer<Float>, threads: Int = 2, pool: WorkerPool = .shared) {
    let pairs = panelCount / 2
    let workers = max(1, min(threads, pairs, pool.workers + 1))
    let xAddress = Int(bitPattern: x), yAddress = Int(bitPattern: y)
    panels.withUnsafeBufferPointer { wb in
      guard let w = wb.baseAddress else { return }
      let wAddress = Int(bitPattern: w)
      let job: @Sendable (Int) -> Void = { worker in
        guard let x = UnsafePointer<Float>(bitPattern: xAddress), let y = UnsafeMutablePointer<Float>(bitPattern: yAddress),
          let w = UnsafePointer<SIMD16<Float>>(bitPattern: wAddress)
        else { return }
        for pair in stride(from: worker, to: pairs, by: workers) { self.pair(pair, x, tokens: tokens, w, y) }
      }
      pool.run(parts: workers, job)
    }
  }

  /// Inputs per block. Blocks small enough for the L1 cache (32 to 128 inputs) were measured
  /// slower on SmolLM2's shapes (576 and 1536 inputs) than running each row over all inputs,
  /// so blocking only starts above 4096 inputs.
  static let blockInputs = 4096

  /// Outputs `32·pair ..< 32·pair + 32` for every token: the inputs in blocks of
  /// ``blockInputs``; within a block, 8 tokens at a time (16 accumulators), then single tokens.
  /// Partial sums are kept in `y` between blocks.
  @inline(__always)
  private func pair(_ pair: Int, _ x: UnsafePointer<Float>, tokens: Int, _ w: UnsafePointer<SIMD16<Float>>, _ y: UnsafeMutablePointer<Float>) {
    let K = columns
    let column = 32 &* pair
    var k0 = 0
    while k0 < K {
      let k1 = min(K, k0 &+ Self.blockInputs)
      let first = k0 == 0
      let w0 = w + (2 &* pair &* K &+ k0), w1 = w0 + K
      let n = k1 &- k0
      var t = 0
      while t &+ 8 <= tokens {
        let xs = x + (t &* K &+ k0)
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var a4 = SIMD16<Float>(), a5 = SIMD16<Float>(), a6 = SIMD16<Float>(), a7 = SIMD16<Float>()
        var b0 = SIMD16<Float>(), b1 = SIMD16<Float>(), b2 = SIMD16<Float>(), b3 = SIMD16<Float>()
        var b4 = SIMD16<Float>(), b5 = SIMD16<Float>(), b6 = SIMD16<Float>(), b7 = SIMD16<Float>()
        if !first {
          (a0, b0) = load(y, t, column)
          (a1, b1) = load(y, t &+ 1, column)
          (a2, b2) = load(y, t &+ 2, column)
          (a3, b3) = load(y, t &+ 3, column)
          (a4, b4) = load(y, t &+ 4, column)
          (a5, b5) = load(y, t &+ 5, column)
          (a6, b6) = load(y, t &+ 6, column)
          (a7, b7) = load(y, t &+ 7, column)
        }
        // One base pointer per token row, so the loop body is loads, broadcasts and FMAs
        // only (no index arithmetic to check, no registers spilled).
        let x0 = xs, x1 = xs + K, x2 = xs + 2 &* K, x3 = xs + 3 &* K
        let x4 = xs + 4 &* K, x5 = xs + 5 &* K, x6 = xs + 6 &* K, x7 = xs + 7 &* K
        for k in 0..<n {
          let u = w0[k], v = w1[k]
          var s = SIMD16<Float>(repeating: x0[k])
          a0.addProduct(s, u); b0.addProduct(s, v)
          s = SIMD16(repeating: x1[k]); a1.addProduct(s, u); b1.addProduct(s, v)
          s = SIMD16(repeating: x2[k]); a2.addProduct(s, u); b2.addProduct(s, v)
          s = SIMD16(repeating: x3[k]); a3.addProduct(s, u); b3.addProduct(s, v)
          s = SIMD16(repeating: x4[k]); a4.addProduct(s, u); b4.addProduct(s, v)
          s = SIMD16(repeating: x5[k]); a5.addProduct(s, u); b5.addProduct(s, v)
          s = SIMD16(repeating: x6[k]); a6.addProduct(s, u); b6.addProduct(s, v)
          s = SIMD16(repeating: x7[k]); a7.addProduct(s, u); b7.addProduct(s, v)
        }
        store(a0, b0, y, t, column)
        store(a1, b1, y, t &+ 1, column)
        store(a2, b2, y, t &+ 2, column)
        store(a3, b3, y, t &+ 3, column)
        store(a4, b4, y, t &+ 4, column)
        store(a5, b5, y, t &+ 5, column)
        store(a6, b6, y, t &+ 6, column)
        store(a7, b7, y, t &+ 7, column)
        t &+= 8
      }
      while t < tokens {
        let xs = x + (t &* K &+ k0)
        var (a, b) = first ? (SIMD16<Float>(), SIMD16<Float>()) : load(y, t, column)
        for k in 0..<n {
          let s = SIMD16<Float>(repeating: xs[k])
          a.addProduct(s, w0[k])
          b.addProduct(s, w1[k])
        }
        store(a, b, y, t, column)
        t &+= 1
      }
      k0 = k1
    }
  }

  /// Reads back the partial sums of outputs `column ..< column + 32` of token `t`.
  @inline(__always)
  private func load(_ y: UnsafeMutablePointer<Float>, _ t: Int, _ column: Int) -> (SIMD16<Float>, SIMD16<Float>) {
    if column &+ 32 <= rows {
      let row = UnsafeRawPointer(y + (t &* rows &+ column))
      return (row.loadUnaligned(as: SIMD16<Float>.self), row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
    }
    var a = SIMD16<Float>(), b = SIMD16<Float>()
    for j in 0..<16 where column + j < rows { a[j] = y[t * rows + column + j] }
    for j in 0..<16 where column + 16 + j < rows { b[j] = y[t * rows + column + 16 + j] }
    return (a, b)
  }

  /// Writes outputs `column ..< column + 32` of token `t` (fewer at the padded edge).
  @inline(__always)
  private func store(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ y: UnsafeMutablePointer<Float>, _ t: Int, _ column: Int) {
    let row = UnsafeMutableRawPointer(y + (t &* rows &+ column))
    if column &+ 32 <= rows {
      row.storeBytes(of: a, as: SIMD16<Float>.self)
      row.storeBytes(of: b, toByteOffset: 64, as: SIMD16<Float>.self)
    } else {
      for j in 0..<16 where column + j < rows { y[t * rows + column + j] = a[j] }
      for j in 0..<16 where column + 16 + j < rows { y[t * rows + column + 16 + j] = b[j] }
    }
  }
}
