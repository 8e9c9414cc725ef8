/// One part's synthesizer: a patch with its voices, driven by note, controller and pitch-bend
/// events and pulled one block at a time.
public struct Instrument {
  public let patch: Patch
  public let sampleRate: Double
  private var pluck: VoicePool<PluckVoice>?
  private var fm: VoicePool<FMVoice>?
  private var supersaw: VoicePool<SupersawVoice>?
  private var organ: VoicePool<OrganVoice>?
  private var drums: VoicePool<DrumVoice>?
  private var bass: TB303?
  /// The supersaw part's low-pass, shared by its voices.
  private var partFilter: Biquad?
  private var pitchRatio = 1.0

  /// Voices per part before the oldest is stolen.
  public static let polyphony = 24

  public init(patch: Patch, sampleRate: Double) {
    self.patch = patch
    self.sampleRate = sampleRate
    let fs = sampleRate
    switch patch.engine {
    case .pluck(let shape):
      pluck = VoicePool(maxVoices: Self.polyphony) { PluckVoice(key: $0, velocity: $1, seed: $2, shape: shape, sampleRate: fs) }
    case .fm(let shape):
      fm = VoicePool(maxVoices: Self.polyphony) { key, velocity, _ in FMVoice(key: key, velocity: velocity, shape: shape, sampleRate: fs) }
    case .supersaw(let shape):
      supersaw = VoicePool(maxVoices: Self.polyphony) { SupersawVoice(key: $0, velocity: $1, seed: $2, shape: shape, sampleRate: fs) }
      partFilter = Biquad(.lowPass, frequency: shape.cutoff, q: 0.8, sampleRate: fs)
    case .organ(let shape):
      organ = VoicePool(maxVoices: Self.polyphony) { key, velocity, _ in OrganVoice(key: key, velocity: velocity, shape: shape, sampleRate: fs) }
    case .drums(let machine):
      drums = VoicePool(maxVoices: 32) { DrumVoice(key: $0, velocity: $1, seed: $2, machine: machine, sampleRate: fs) }
    case .tb303(let knobs):
      bass = TB303(knobs: knobs, sampleRate: fs)
    }
  }

  public mutating func noteOn(key: Int, velocity: Int) {
    guard velocity > 0 else { return noteOff(key: key) }
    pluck?.noteOn(key: key, velocity: velocity)
    fm?.noteOn(key: key, velocity: velocity)
    supersaw?.noteOn(key: key, velocity: velocity)
    organ?.noteOn(key: key, velocity: velocity)
    bass?.noteOn(key: key, velocity: velocity)
    if drums != nil {
      // A closed hat chokes a ringing open hat.
      if DrumVoice.kind(key: key) == .closedHat { drums?.chokeOpenHats() }
      drums?.noteOn(key: key, velocity: velocity)
    }
  }

  public mutating func noteOff(key: Int) {
    pluck?.noteOff(key: key)
    fm?.noteOff(key: key)
    supersaw?.noteOff(key: key)
    organ?.noteOff(key: key)
    bass?.noteOff(key: key)
  }

  /// Sustain pedal (64), all notes off (123, 120), and the 303's cutoff (74) and resonance (71).
  public mutating func controlChange(_ controller: Int, value: Int) {
    switch controller {
    case 64:
      let down = value >= 64
      pluck?.sustain = down
      fm?.sustain = down
      supersaw?.sustain = down
      organ?.sustain = down
    case 120, 123:
      pluck?.releaseAll()
      fm?.releaseAll()
      supersaw?.releaseAll()
      organ?.releaseAll()
    default: break
    }
    bass?.controlChange(controller, value: value)
  }

  /// The channel's pitch bend, semitones.
  public mutating func pitchBend(semitones: Double) {
    pitchRatio = _exp2(semitones / 12)
    bass?.pitchRatio = pitchRatio
  }

  /// Adds `count` mono samples to `out`.
  public mutating func render(into out: UnsafeMutablePointer<Float>, count: Int) {
    pluck?.render(into: out, count: count, pitchRatio: pitchRatio)
    fm?.render(into: out, count: count, pitchRatio: pitchRatio)
    if supersaw != nil, var filter = partFilter {
      withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { voices in
        guard let v = voices.baseAddress else { return }
        voices.initialize(repeating: 0)
        supersaw?.render(into: v, count: count, pitchRatio: pitchRatio)
        for i in 0..<count { out[i] += filter.process(v[i]) }
      }
      partFilter = filter
    }
    organ?.render(into: out, count: count, pitchRatio: pitchRatio)
    drums?.render(into: out, count: count, pitchRatio: pitchRatio)
    bass?.render(into: out, count: count)
  }

  /// No voice is sounding.
  public var isSilent: Bool {
    (pluck?.isSilent ?? true) && (fm?.isSilent ?? true) && (supersaw?.isSilent ?? true) && (organ?.isSilent ?? true)
      && (drums?.isSilent ?? true) && (bass?.isSilent ?? true)
  }
}

extension VoicePool where V == DrumVoice {
  mutating func chokeOpenHats() {
    mutateVoices { if $0.kind == .openHat { $0.choke() } }
  }
}
