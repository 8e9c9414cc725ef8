/// Jezar's Freeverb (public domain): eight low-pass-feedback comb filters in parallel and four
/// allpasses in series per channel, the right channel's delays 23 samples longer. Delay lengths
/// are the original 44.1 kHz values scaled to the sample rate.
public struct Freeverb: Sendable {
  /// The room, all 0…1. Defaults are Freeverb's (room 0.5, damping 0.5, wet 1/3, width 1).
  public struct Settings: Sendable, Hashable, Codable {
    public var room: Double
    public var damping: Double
    /// Level of the reverberated signal returned to the mix.
    public var wet: Double
    public var width: Double

    public init(room: Double = 0.5, damping: Double = 0.5, wet: Double = 1.0 / 3, width: Double = 1) {
      self.room = room
      self.damping = damping
      self.wet = wet
      self.width = width
    }

    /// A large hall for the opera (room 0.85, damping 0.35, wet 0.25).
    public static let hall = Settings(room: 0.85, damping: 0.35, wet: 0.25)
    /// A medium room, between Freeverb's default and a hall (room 0.7, damping 0.45, wet 0.2):
    /// the built-in renderer's default.
    public static let room = Settings(room: 0.7, damping: 0.45, wet: 0.2)
    /// A club for house (room 0.6, damping 0.5, wet 0.12).
    public static let club = Settings(room: 0.6, damping: 0.5, wet: 0.12)
  }

  static let combLengths = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617]
  static let allpassLengths = [556, 441, 341, 225]
  static let stereoSpread = 23

  /// Every delay line in one buffer: 16 combs, then 8 allpasses (left channel first).
  private var storage: [Float]
  private let offsets: [Int]
  private let lengths: [Int]
  private var positions: [Int]
  private var filterStates: [Float]
  private let feedback: Float, damp: Float, wet1: Float, wet2: Float
  /// Freeverb's fixed input gain, applied to the mono send.
  private static let inputGain: Float = 0.015

  public init(_ settings: Settings, sampleRate: Double) {
    let scale = sampleRate / 44_100
    func scaled(_ lengths: [Int], _ ch: Int) -> [Int] { lengths.map { max(1, Int((Double($0 + ch * Self.stereoSpread) * scale).rounded())) } }
    lengths = scaled(Self.combLengths, 0) + scaled(Self.combLengths, 1) + scaled(Self.allpassLengths, 0) + scaled(Self.allpassLengths, 1)
    var offsets: [Int] = []
    var total = 0
    for n in lengths {
      offsets.append(total)
      total += n
    }
    self.offsets = offsets
    storage = [Float](repeating: 0, count: total)
    positions = [Int](repeating: 0, count: lengths.count)
    filterStates = [Float](repeating: 0, count: 16)
    feedback = Float(settings.room * 0.28 + 0.7)
    damp = Float(settings.damping * 0.4)
    wet1 = Float(settings.wet * 3 * (settings.width / 2 + 0.5))
    wet2 = Float(settings.wet * 3 * ((1 - settings.width) / 2))
  }

  /// Reverberates the mono `send` and adds the wet stereo result to `left` and `right`.
  public mutating func process(send: UnsafePointer<Float>, left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>, count: Int) {
    let feedback = self.feedback
    let damp = self.damp
    let offsets = self.offsets
    let lengths = self.lengths
    var positions = self.positions
    var states = self.filterStates
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * count) { wet in
      wet.initialize(repeating: 0)
      storage.withUnsafeMutableBufferPointer { all in
        guard let memory = all.baseAddress else { return }
        for ch in 0..<2 {
          let out = ch * count
          // The eight combs side by side: their one-pole states form one vector, so the eight
          // serial recurrences advance together instead of one after another.
          var state = SIMD8<Float>(repeating: 0)
          var lines: [UnsafeMutablePointer<Float>] = []
          var n = [Int](repeating: 0, count: 8)
          var index = [Int](repeating: 0, count: 8)
          for c in 0..<8 {
            let line = ch * 8 + c
            lines.append(memory + offsets[line])
            n[c] = lengths[line]
            index[c] = positions[line]
            state[c] = states[line]
          }
          let b0 = lines[0]
          let b1 = lines[1]
          let b2 = lines[2]
          let b3 = lines[3]
          let b4 = lines[4]
          let b5 = lines[5]
          let b6 = lines[6]
          let b7 = lines[7]
          var i0 = index[0]
          var i1 = index[1]
          var i2 = index[2]
          var i3 = index[3]
          var i4 = index[4]
          var i5 = index[5]
          var i6 = index[6]
          var i7 = index[7]
          let n0 = n[0]
          let n1 = n[1]
          let n2 = n[2]
          let n3 = n[3]
          let n4 = n[4]
          let n5 = n[5]
          let n6 = n[6]
          let n7 = n[7]
          for i in 0..<count {
            let output = SIMD8<Float>(b0[i0], b1[i1], b2[i2], b3[i3], b4[i4], b5[i5], b6[i6], b7[i7])
            // The constant keeps the decaying tail out of subnormal floats, which cost x86 a
            // hundred times more per operation (measured: 76 % of a render's time).
            state = output * (1 - damp) + state * damp + 1e-20
            let written = send[i] * Self.inputGain + state * feedback
            b0[i0] = written[0]
            b1[i1] = written[1]
            b2[i2] = written[2]
            b3[i3] = written[3]
            b4[i4] = written[4]
            b5[i5] = written[5]
            b6[i6] = written[6]
            b7[i7] = written[7]
            i0 = i0 + 1 == n0 ? 0 : i0 + 1
            i1 = i1 + 1 == n1 ? 0 : i1 + 1
            i2 = i2 + 1 == n2 ? 0 : i2 + 1
            i3 = i3 + 1 == n3 ? 0 : i3 + 1
            i4 = i4 + 1 == n4 ? 0 : i4 + 1
            i5 = i5 + 1 == n5 ? 0 : i5 + 1
            i6 = i6 + 1 == n6 ? 0 : i6 + 1
            i7 = i7 + 1 == n7 ? 0 : i7 + 1
            wet[out + i] = output.sum()
          }
          index = [i0, i1, i2, i3, i4, i5, i6, i7]
          for c in 0..<8 {
            positions[ch * 8 + c] = index[c]
            states[ch * 8 + c] = state[c]
          }
        }
        // The allpasses, left and right interleaved: two independent chains per sample.
        for a in 0..<4 {
          let lineL = 16 + a
          let lineR = 20 + a
          let bl = memory + offsets[lineL]
          let br = memory + offsets[lineR]
          let nl = lengths[lineL]
          let nr = lengths[lineR]
          var il = positions[lineL]
          var ir = positions[lineR]
          for i in 0..<count {
            let inL = wet[i]
            let inR = wet[count + i]
            let dl = bl[il]
            let dr = br[ir]
            wet[i] = dl - inL
            wet[count + i] = dr - inR
            bl[il] = inL + dl * 0.5
            br[ir] = inR + dr * 0.5
            il = il + 1 == nl ? 0 : il + 1
            ir = ir + 1 == nr ? 0 : ir + 1
          }
          positions[lineL] = il
          positions[lineR] = ir
        }
      }
      for i in 0..<count {
        let l = wet[i]
        let r = wet[count + i]
        left[i] += l * wet1 + r * wet2
        right[i] += r * wet1 + l * wet2
      }
    }
    self.positions = positions
    self.filterStates = states
  }
}
