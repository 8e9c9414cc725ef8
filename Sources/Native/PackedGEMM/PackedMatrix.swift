public import Linalg
import CPrefetch
import Synchronization

/// The next pair of panels not yet claimed by a thread.
private final class PairQueue: Sendable {
  private let counter = Atomic<Int>(0)

  func claim() -> Int { counter.add(1, ordering: .relaxed).oldValue }
}

/// A weight matrix packed once for repeated products `y = x · Wᵀ` with AVX-512 (16-float
/// vectors): the outputs are grouped in panels of 16, and each panel is stored input by input,
/// so the kernel streams one contiguous vector per input and never repacks (OpenBLAS packs
/// the weights again on every call, which cost a fifth of a forward pass).
///
/// This file is compiled for x86-64 with AVX-512 (`-target-cpu skylake-avx512`, module
/// `PackedGEMM`) and again with AVX2 + FMA (`-target-cpu haswell`, module `PackedGEMMAVX2`):
/// call a module's code only when ``Linalg/level`` is that module's ``VectorKernels/level``.
///
/// A pass streams every weight from memory once, so the kernel is built around that stream:
/// each thread prefetches its next pair of panels into L2 while it computes the current pair
/// (13–20 % faster per pass), and the tokens are interleaved in tiles of 8 so the broadcasts
/// come from one stream too.
///
/// Results do not depend on the thread count: every output is one thread's sum over the inputs
/// in order.
public struct PackedMatrix: PackedWeights {
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

  /// `y = x · Wᵀ`: `x` is `tokens × columns` row-major, `y` becomes `tokens × rows`. Pairs of
  /// panels (32 outputs) are handed out in order to the `threads` threads of `pool` as each
  /// becomes free (cores of a shared machine run at different speeds; a fixed split left one
  /// waiting for the other). Which thread computes an output changes nothing in it.
  public func multiply(_ x: UnsafePointer<Float>, tokens: Int, into y: UnsafeMutablePointer<Float>, threads: Int = 2, pool: WorkerPool = .shared) {
    let pairs = panelCount / 2
    let K = columns
    let workers = max(1, min(threads, pairs, pool.workers + 1))
    // The tokens in tiles of 8, interleaved input by input (tile, input, token), so the kernel
    // reads its 8 broadcasts from one sequential stream instead of 8 rows `K` floats apart.
    let tiles = tokens / 8
    let interleaved = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tiles &* K &* 8))
    defer { interleaved.deallocate() }
    let xAddress = Int(bitPattern: x), yAddress = Int(bitPattern: y), tAddress = Int(bitPattern: interleaved)
    if tiles > 0 {
      pool.run(parts: min(workers, tiles)) { part in
        guard let x = UnsafePointer<Float>(bitPattern: xAddress), let out = UnsafeMutablePointer<Float>(bitPattern: tAddress) else { return }
        for tile in stride(from: part, to: tiles, by: min(workers, tiles)) { Self.interleave(x, tile: tile, columns: K, into: out) }
      }
    }
    let queue = PairQueue()
    panels.withUnsafeBufferPointer { wb in
      guard let w = wb.baseAddress else { return }
      let wAddress = Int(bitPattern: w)
      let job: @Sendable (Int) -> Void = { worker in
        guard let x = UnsafePointer<Float>(bitPattern: xAddress), let y = UnsafeMutablePointer<Float>(bitPattern: yAddress),
          let w = UnsafePointer<SIMD16<Float>>(bitPattern: wAddress), let xt = UnsafePointer<Float>(bitPattern: tAddress)
        else { return }
        // Each thread claims its next pair before computing the current one, so it knows which
        // panels to fetch into its cache meanwhile.
        var current = queue.claim()
        while current < pairs {
          let following = queue.claim()
          let next = following < pairs && K <= Self.blockInputs ? w + 2 &* following &* K : nil
          self.pair(current, x, xt, tokens: tokens, w, y, next: next)
          current = following
        }
      }
      pool.run(parts: workers, job)
    }
  }

  /// Copies tokens `8·tile ..< 8·tile + 8` of `x` into `out` input by input (8 floats per input).
  private static func interleave(_ x: UnsafePointer<Float>, tile: Int, columns K: Int, into out: UnsafeMutablePointer<Float>) {
    let block = UnsafeMutableRawPointer(out + tile &* K &* 8)
    let r = x + tile &* 8 &* K
    let r0 = r, r1 = r + K, r2 = r + 2 &* K, r3 = r + 3 &* K, r4 = r + 4 &* K, r5 = r + 5 &* K, r6 = r + 6 &* K, r7 = r + 7 &* K
    for k in 0..<K {
      // One 32-byte store per input; the eight rows are read as eight sequential streams.
      let v = SIMD8<Float>(r0[k], r1[k], r2[k], r3[k], r4[k], r5[k], r6[k], r7[k])
      block.storeBytes(of: v, toByteOffset: k &* 32, as: SIMD8<Float>.self)
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
  private func pair(
    _ pair: Int, _ x: UnsafePointer<Float>, _ xt: UnsafePointer<Float>, tokens: Int, _ w: UnsafePointer<SIMD16<Float>>, _ y: UnsafeMutablePointer<Float>,
    next: UnsafePointer<SIMD16<Float>>?
  ) {
    let K = columns
    let column = 32 &* pair
    // Prefetch: the next pair's 2·K cache lines spread evenly over this pair's 8-token tiles
    // (one line every 2^shift inputs), so the stream from memory overlaps the arithmetic
    // instead of stalling the first tile of every pair.
    var ahead = next ?? w
    let aheadEnd = next.map { $0 + 2 &* K } ?? w
    var shift = 0
    while (tokens / 8) &* K >> (shift &+ 1) >= 2 &* K { shift &+= 1 }
    let mask = (1 &<< shift) &- 1
    var k0 = 0
    while k0 < K {
      let k1 = min(K, k0 &+ Self.blockInputs)
      let first = k0 == 0
      let w0 = w + (2 &* pair &* K &+ k0), w1 = w0 + K
      let n = k1 &- k0
      var t = 0
      #if EIGENTONE_AVX2
        // AVX2 has 16 registers of 8 floats: the 8-token tile's 16 accumulators of 16 floats
        // would spill. So the tile runs in four passes over the inputs, tokens 0–3 and 4–7
        // against panel a and then panel b: 4 accumulators (8 registers) each, the panel read
        // from the cache four times. Every output is still one sum over the inputs in order,
        // with the same fused multiply-adds, so the results equal the AVX-512 kernel's bit for bit.
        while t &+ 8 <= tokens {
          let xs8 = xt + (t &* K &+ k0 &* 8)
          for quarter in 0..<4 {
            let half = quarter >> 1
            let panel = quarter & 1
            let wp = panel == 0 ? w0 : w1
            let col = column &+ 16 &* panel
            let tt = t &+ 4 &* half
            var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
            if !first {
              c0 = load16(y, tt, col)
              c1 = load16(y, tt &+ 1, col)
              c2 = load16(y, tt &+ 2, col)
              c3 = load16(y, tt &+ 3, col)
            }
            let xh = xs8 + 4 &* half
            for k in 0..<n {
              if quarter == 0, k & mask == 0, ahead < aheadEnd {
                eigentone_prefetch_l2(ahead)
                ahead += 1
              }
              let u = wp[k]
              let xk = xh + k &* 8
              c0.addProduct(SIMD16(repeating: xk[0]), u)
              c1.addProduct(SIMD16(repeating: xk[1]), u)
              c2.addProduct(SIMD16(repeating: xk[2]), u)
              c3.addProduct(SIMD16(repeating: xk[3]), u)
            }
            store16(c0, y, tt, col)
            store16(c1, y, tt &+ 1, col)
            store16(c2, y, tt &+ 2, col)
            store16(c3, y, tt &+ 3, col)
          }
          t &+= 8
        }
      #else
        while t &+ 8 <= tokens {
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
          let xs8 = xt + (t &* K &+ k0 &* 8)
          for k in 0..<n {
            if k & mask == 0, ahead < aheadEnd {
              eigentone_prefetch_l2(ahead)
              ahead += 1
            }
            let u = w0[k], v = w1[k]
            let xk = xs8 + k &* 8
            var s = SIMD16<Float>(repeating: xk[0])
            a0.addProduct(s, u)
            b0.addProduct(s, v)
            s = SIMD16(repeating: xk[1])
            a1.addProduct(s, u)
            b1.addProduct(s, v)
            s = SIMD16(repeating: xk[2])
            a2.addProduct(s, u)
            b2.addProduct(s, v)
            s = SIMD16(repeating: xk[3])
            a3.addProduct(s, u)
            b3.addProduct(s, v)
            s = SIMD16(repeating: xk[4])
            a4.addProduct(s, u)
            b4.addProduct(s, v)
            s = SIMD16(repeating: xk[5])
            a5.addProduct(s, u)
            b5.addProduct(s, v)
            s = SIMD16(repeating: xk[6])
            a6.addProduct(s, u)
            b6.addProduct(s, v)
            s = SIMD16(repeating: xk[7])
            a7.addProduct(s, u)
            b7.addProduct(s, v)
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
      #endif
      while t < tokens {
        let xs = x + (t &* K &+ k0)
        var (a, b) = first ? (SIMD16<Float>(), SIMD16<Float>()) : load(y, t, column)
        for k in 0..<n {
          if ahead < aheadEnd {
            eigentone_prefetch_l2(ahead)
            eigentone_prefetch_l2(ahead + 1)
            ahead += 2
          }
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

  /// Reads back the partial sums of outputs `column ..< column + 16` of token `t`.
  @inline(__always)
  private func load16(_ y: UnsafeMutablePointer<Float>, _ t: Int, _ column: Int) -> SIMD16<Float> {
    if column &+ 16 <= rows { return UnsafeRawPointer(y + (t &* rows &+ column)).loadUnaligned(as: SIMD16<Float>.self) }
    var a = SIMD16<Float>()
    for j in 0..<16 where column + j < rows { a[j] = y[t * rows + column + j] }
    return a
  }

  /// Writes outputs `column ..< column + 16` of token `t` (fewer at the padded edge).
  @inline(__always)
  private func store16(_ a: SIMD16<Float>, _ y: UnsafeMutablePointer<Float>, _ t: Int, _ column: Int) {
    if column &+ 16 <= rows {
      UnsafeMutableRawPointer(y + (t &* rows &+ column)).storeBytes(of: a, as: SIMD16<Float>.self)
    } else {
      for j in 0..<16 where column + j < rows { y[t * rows + column + j] = a[j] }
    }
  }

  /// Reads back the partial sums of outputs `column ..< column + 32` of token `t`.
  @inline(__always)
  private func load(_ y: UnsafeMutablePointer<Float>, _ t: Int, _ column: Int) -> (SIMD16<Float>, SIMD16<Float>) {
    (load16(y, t, column), load16(y, t, column &+ 16))
  }

  /// Writes outputs `column ..< column + 32` of token `t` (fewer at the padded edge).
  @inline(__always)
  private func store(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ y: UnsafeMutablePointer<Float>, _ t: Int, _ column: Int) {
    store16(a, y, t, column)
    store16(b, y, t, column &+ 16)
  }
}
