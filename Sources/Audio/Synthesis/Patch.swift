/// A built-in synthesizer sound, named in the genre presets (`patch: tb303`). Every part of
/// every bundled genre names one; a MIDI file without names gets one from its General MIDI
/// program (``generalMIDI(program:isDrum:)``).
public struct Patch: Sendable, Hashable {
  public let name: String
  /// One line for `eigentone genres` and the README.
  public let summary: String
  /// Share of the part sent to the reverb, 0…1 (scaled by CC 91 when the score sets it).
  public let reverbSend: Double
  let engine: Engine

  enum Engine: Sendable, Hashable {
    case pluck(PluckVoice.Shape)
    case fm(FMVoice.Shape)
    case supersaw(SupersawVoice.Shape)
    case organ(OrganVoice.Shape)
    case tb303(TB303.Knobs)
    case drums(DrumVoice.Machine)
  }

  /// The patch called `name`, or nil.
  public static func named(_ name: String) -> Patch? { all.first { $0.name == name } }

  /// Names of all patches, for error messages.
  public static var names: [String] { all.map(\.name) }

  /// A patch for a General MIDI program (0…127) or the percussion channel.
  public static func generalMIDI(program: Int, isDrum: Bool) -> Patch {
    if isDrum { return drums909 }
    let name: String
    switch program {
    case 0...7: name = "fm-epiano"
    case 8...15, 47, 112...127: name = "fm-bell"
    case 16...23: name = "organ"
    case 24...31, 104...111: name = "pluck-guitar"
    case 38: name = "tb303"  // Synth Bass 1, the acid genre's program
    case 32...39: name = program == 32 || program == 33 || program == 34 ? "pluck-bass" : "fm-bass"
    case 40: name = "strings"
    case 41: name = "strings"
    case 42: name = "strings"
    case 43: name = "pluck-bass"
    case 44, 48...55: name = program == 45 ? "pluck-violin" : "strings"
    case 45: name = "pluck-violin"
    case 46: name = "pluck-harp"
    case 56...63: name = "fm-brass"
    case 64...71: name = "fm-reed"
    case 72...79: name = "fm-flute"
    case 80...87: name = "supersaw-lead"
    default: name = "supersaw-pad"  // 88…103: pads and effects
    }
    return named(name) ?? drums909
  }

  static func envelope(_ a: Double, _ d: Double, _ s: Double, _ r: Double) -> Envelope.Shape {
    Envelope.Shape(attack: a, decay: d, sustain: s, release: r)
  }

  static let drums909 = Patch(name: "drums-909", summary: "909-style kit: swept-sine kick, noise snare and clap, metallic hats", reverbSend: 0.06, engine: .drums(.tr909))

  /// Every built-in patch.
  public static let all: [Patch] = [
    Patch(name: "tb303", summary: "TB-303 bass line: diode-ladder filter, accent sweep, slides; CC 74 cutoff, CC 71 resonance", reverbSend: 0.05, engine: .tb303(TB303.Knobs())),
    drums909,
    Patch(name: "drums-808", summary: "808-style kit: long sine kick, two-tone snare, six-square hats", reverbSend: 0.06, engine: .drums(.tr808)),
    Patch(
      name: "pluck-violin", summary: "Karplus-Strong string, bright, pick near the bridge", reverbSend: 0.3,
      engine: .pluck(.init(sustain: 1.8, release: 0.25, pickPosition: 0.13, brightness: 0.9))),
    Patch(
      name: "pluck-viola", summary: "Karplus-Strong string, warmer", reverbSend: 0.3,
      engine: .pluck(.init(sustain: 2.1, release: 0.25, pickPosition: 0.17, brightness: 0.75))),
    Patch(
      name: "pluck-cello", summary: "Karplus-Strong string, dark and long", reverbSend: 0.3,
      engine: .pluck(.init(sustain: 2.8, release: 0.3, pickPosition: 0.2, brightness: 0.6))),
    Patch(
      name: "pluck-bass", summary: "Karplus-Strong bass string", reverbSend: 0.12,
      engine: .pluck(.init(sustain: 3.2, release: 0.2, pickPosition: 0.22, brightness: 0.5))),
    Patch(
      name: "pluck-harp", summary: "Karplus-Strong harp: plucked mid-string, rings after release", reverbSend: 0.35,
      engine: .pluck(.init(sustain: 4.0, release: 1.2, pickPosition: 0.3, brightness: 0.7))),
    Patch(
      name: "pluck-guitar", summary: "Karplus-Strong guitar", reverbSend: 0.2,
      engine: .pluck(.init(sustain: 3.0, release: 0.3, pickPosition: 0.12, brightness: 0.85))),
    Patch(
      name: "fm-epiano", summary: "4-operator FM electric piano: a 1:1 body and a 14:1 tine", reverbSend: 0.2,
      engine: .fm(
        .init(operators: [
          .init(ratio: 1, level: 0.5, envelope: envelope(0.002, 2.6, 0, 0.3), velocitySensitivity: 0.5),
          .init(ratio: 14, level: 1.3, envelope: envelope(0.001, 0.18, 0, 0.1), velocitySensitivity: 0.9, modulates: 0),
          .init(ratio: 1, level: 0.5, envelope: envelope(0.002, 3.2, 0, 0.3), velocitySensitivity: 0.5),
          // Detuned by 5 cents: the body's sidebands beat slowly, a chorus without a second pitch.
          .init(ratio: 1, detune: 5, level: 1.6, envelope: envelope(0.002, 1.6, 0.1, 0.3), velocitySensitivity: 0.6, modulates: 2),
        ]))),
    Patch(
      name: "fm-bass", summary: "3-operator FM bass: 1:1 with feedback for grit, a 3:1 slap", reverbSend: 0.04,
      engine: .fm(
        .init(operators: [
          .init(ratio: 1, level: 0.8, envelope: envelope(0.002, 2.0, 0.6, 0.06), velocitySensitivity: 0.5),
          .init(ratio: 1, level: 4.5, envelope: envelope(0.001, 0.4, 0.2, 0.1), velocitySensitivity: 0.6, feedback: 0.5, modulates: 0),
          .init(ratio: 3, level: 1.5, envelope: envelope(0.001, 0.06, 0, 0.05), velocitySensitivity: 0.8, modulates: 0),
        ]))),
    Patch(
      name: "fm-brass", summary: "2-operator FM brass (1:1): the index swells with the attack", reverbSend: 0.22,
      engine: .fm(
        .init(
          operators: [
            .init(ratio: 1, level: 0.7, envelope: envelope(0.05, 0.6, 0.8, 0.15), velocitySensitivity: 0.5),
            .init(ratio: 1, level: 4.0, envelope: envelope(0.08, 0.8, 0.6, 0.15), velocitySensitivity: 0.7, modulates: 0),
          ], vibratoRate: 5, vibratoDepth: 8, vibratoDelay: 0.35))),
    Patch(
      name: "fm-reed", summary: "2-operator FM reed (1:2, odd harmonics): oboe, clarinet", reverbSend: 0.22,
      engine: .fm(
        .init(
          operators: [
            .init(ratio: 1, level: 0.7, envelope: envelope(0.03, 0.6, 0.85, 0.08), velocitySensitivity: 0.4),
            .init(ratio: 2, level: 1.8, envelope: envelope(0.04, 0.6, 0.8, 0.08), velocitySensitivity: 0.5, modulates: 0),
          ], vibratoRate: 5.2, vibratoDepth: 6, vibratoDelay: 0.3))),
    Patch(
      name: "fm-flute", summary: "2-operator FM flute: soft 1:1, slow attack, vibrato", reverbSend: 0.25,
      engine: .fm(
        .init(
          operators: [
            .init(ratio: 1, level: 0.7, envelope: envelope(0.07, 0.6, 0.85, 0.12), velocitySensitivity: 0.4),
            .init(ratio: 1, level: 0.6, envelope: envelope(0.1, 0.6, 0.6, 0.1), velocitySensitivity: 0.5, modulates: 0),
          ], vibratoRate: 5, vibratoDepth: 10, vibratoDelay: 0.25))),
    Patch(
      name: "fm-bell", summary: "2-operator FM bell (1:1.4): inharmonic, the index decays with the tone", reverbSend: 0.3,
      engine: .fm(
        .init(operators: [
          .init(ratio: 1, level: 0.6, envelope: envelope(0.001, 4.0, 0, 2.0), velocitySensitivity: 0.5),
          .init(ratio: 1.4, level: 8, envelope: envelope(0.001, 3.0, 0, 1.5), velocitySensitivity: 0.6, modulates: 0),
        ]))),
    Patch(
      name: "organ", summary: "Drawbar organ (7 8 6 5 0 3 0 0 2) with a slow tremolo", reverbSend: 0.25,
      engine: .organ(.init(drawbars: [7, 8, 6, 5, 0, 3, 0, 0, 2], envelope: envelope(0.005, 1, 1, 0.08)))),
    Patch(
      name: "supersaw-pad", summary: "Seven detuned saws, slow attack and release", reverbSend: 0.3,
      engine: .supersaw(.init(detune: 28, mix: 0.6, cutoff: 3500, envelope: envelope(0.35, 1.0, 0.85, 0.9)))),
    Patch(
      name: "supersaw-lead", summary: "Seven detuned saws, fast attack, bright", reverbSend: 0.15,
      engine: .supersaw(.init(detune: 18, mix: 0.45, cutoff: 7000, envelope: envelope(0.005, 0.4, 0.8, 0.2)))),
    Patch(
      name: "strings", summary: "Ensemble strings: three detuned saws, darker, bowed attack", reverbSend: 0.3,
      engine: .supersaw(.init(detune: 12, mix: 0.5, cutoff: 2600, saws: 3, envelope: envelope(0.12, 1.0, 0.9, 0.4)))),
  ]
}
