public import Synthesis

extension Preset {
  /// The built-in synthesizer's room from `settings.reverb_room`, `reverb_damping`,
  /// `reverb_wet` (0…1 each), when the preset sets any of them; nil leaves the renderer's
  /// default room. Used wherever a genre's piece is rendered (compose, compare's A/B pieces,
  /// the studio).
  public var reverb: Freeverb.Settings? {
    guard settings.keys.contains(where: { $0.hasPrefix("reverb_") }) else { return nil }
    var room = Freeverb.Settings.room
    room.room = min(1, max(0, optionalSetting("reverb_room") ?? room.room))
    room.damping = min(1, max(0, optionalSetting("reverb_damping") ?? room.damping))
    room.wet = min(1, max(0, optionalSetting("reverb_wet") ?? room.wet))
    return room
  }
}
