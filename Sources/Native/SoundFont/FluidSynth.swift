import CFluidSynth

/// One offline FluidSynth synthesizer with one soundfont loaded. No audio driver is created:
/// ``render(frames:)`` pulls samples directly, so rendering is as fast as the CPU allows and
/// needs no sound card.
///
/// Not `Sendable`: a synth is confined to one task (render stems in parallel with one synth
/// each). The class exists to own the C handles and free them exactly once.
public final class FluidSynth {
  private let settings: OpaquePointer
  private let synth: OpaquePointer
  /// Output sample rate in Hz.
  public let sampleRate: Double

  /// Creates a synth and loads `soundFont`.
  /// - Parameters:
  ///   - soundFont: path to an `.sf2` file.
  ///   - sampleRate: Hz, 8,000 to 96,000 (FluidSynth's range).
  ///   - gain: master gain, 0 to 10. FluidSynth's default 0.2 leaves a single note peaking
  ///     near −32 dBFS; 0.8 gives headroom for dense scores while staying clear of clipping
  ///     before mastering.
  public init(soundFont: String, sampleRate: Double = 44_100, gain: Double = 0.8) throws(FluidSynthError) {
    Self.silenceLogging()
    guard let settings = new_fluid_settings() else { throw .cannotCreateSynth }
    fluid_settings_setnum(settings, "synth.sample-rate", sampleRate)
    fluid_settings_setnum(settings, "synth.gain", gain)
    fluid_settings_setint(settings, "synth.cpu-cores", 1)
    guard let synth = new_fluid_synth(settings) else {
      delete_fluid_settings(settings)
      throw .cannotCreateSynth
    }
    guard fluid_synth_sfload(synth, soundFont, 1) != FLUID_FAILED else {
      delete_fluid_synth(synth)
      delete_fluid_settings(settings)
      throw .cannotLoadSoundFont(path: soundFont)
    }
    self.settings = settings
    self.synth = synth
    self.sampleRate = sampleRate
  }

  deinit {
    delete_fluid_synth(synth)
    delete_fluid_settings(settings)
  }

  /// Selects a General MIDI program (0–127) on a channel (0–15).
  public func programChange(channel: Int, program: Int) {
    fluid_synth_program_change(synth, Int32(channel), Int32(program))
  }

  /// Starts a note: key and velocity 0–127.
  public func noteOn(channel: Int, key: Int, velocity: Int) {
    fluid_synth_noteon(synth, Int32(channel), Int32(key), Int32(velocity))
  }

  /// Releases a note.
  public func noteOff(channel: Int, key: Int) {
    fluid_synth_noteoff(synth, Int32(channel), Int32(key))
  }

  /// Sends a controller change (controller and value 0–127).
  public func controlChange(channel: Int, controller: Int, value: Int) {
    fluid_synth_cc(synth, Int32(channel), Int32(controller), Int32(value))
  }

  /// Sets the pitch wheel: 0…16383, centre 8192.
  public func pitchBend(channel: Int, value: Int) {
    fluid_synth_pitch_bend(synth, Int32(channel), Int32(value))
  }

  /// Renders `frames` stereo frames, interleaved left/right.
  public func render(frames: Int) -> [Float] {
    guard frames > 0 else { return [] }
    return [Float](unsafeUninitializedCapacity: frames * 2) { buffer, count in
      buffer.initialize(repeating: 0)
      _ = fluid_synth_write_float(synth, Int32(frames), buffer.baseAddress, 0, 2, buffer.baseAddress, 1, 2)
      count = frames * 2
    }
  }

  /// FluidSynth prints informational chatter to stderr by default; keep stderr for Eigentone.
  private static func silenceLogging() {
    for level in [FLUID_DBG, FLUID_INFO, FLUID_WARN, FLUID_ERR] {
      _ = fluid_set_log_function(Int32(level.rawValue), nil, nil)
    }
  }
}
