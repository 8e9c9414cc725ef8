public import AudioFile
public import Score

/// Renders, masters and writes a score: the mix (and, on request, one file per part).
public struct AudioExport: Sendable {
  public var renderer: any ScoreRenderer
  public var mastering: Mastering

  public init(renderer: any ScoreRenderer, mastering: Mastering = Mastering()) {
    self.renderer = renderer
    self.mastering = mastering
  }

  /// Chooses the container and encoding from the extension and bit depth (16, 24 or 32 =
  /// float; FLAC holds 16 or 24).
  public static func format(for path: String, bitDepth: Int) -> AudioFormat? {
    let flac = path.lowercased().hasSuffix(".flac")
    switch (flac, bitDepth) {
    case (false, 16): return .wav16
    case (false, 24): return .wav24
    case (false, 32): return .wavFloat
    case (true, 16): return .flac16
    case (true, 24): return .flac24
    default: return nil
    }
  }

  /// Renders and masters the mix, writes it to each of `paths` (WAV or FLAC by extension), and
  /// writes one file per part into `stemDirectory` with the mix's gain (so the stems add up to
  /// the mix before limiting). Returns the mastering report.
  public func export(
    _ score: Score, to paths: [String], bitDepth: Int, stemDirectory: String? = nil, master: Bool = true
  ) throws -> Mastering.Report {
    let sampleRate = Int(renderer.sampleRate)
    let clock = ContinuousClock()
    let started = clock.now
    var mix = try renderer.render(score, only: nil)
    let elapsed = started.duration(to: clock.now)
    let renderSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    var report: Mastering.Report
    if master {
      let masteringStarted = clock.now
      report = mastering.apply(&mix, channels: 2, sampleRate: renderer.sampleRate)
      let m = masteringStarted.duration(to: clock.now)
      report.masteringSeconds = Double(m.components.seconds) + Double(m.components.attoseconds) * 1e-18
    } else {
      let loudness = LoudnessMeter.integratedLoudness(mix, channels: 2, sampleRate: renderer.sampleRate)
      report = Mastering.Report(inputLoudness: loudness, outputLoudness: loudness, truePeak: TruePeak.level(mix, channels: 2), gain: 1)
    }
    report.duration = Double(mix.count / 2) / renderer.sampleRate
    report.renderSeconds = renderSeconds
    for path in paths {
      guard let format = Self.format(for: path, bitDepth: bitDepth) else {
        throw AudioFileError(path: path, reason: "bit depth \(bitDepth) is not available for this format (WAV: 16, 24, 32; FLAC: 16, 24)")
      }
      var samples = mix
      if format.bitDepth == 16 { Mastering.dither(&samples, bits: 16) }
      try SoundFile.write(samples, channels: 2, sampleRate: sampleRate, format: format, to: path)
    }
    if let stemDirectory {
      let stems = try renderer.renderStems(score)
      for (track, var samples) in zip(score.tracks, stems) {
        _ = mastering.apply(&samples, channels: 2, sampleRate: renderer.sampleRate, gain: report.gain)
        let name = track.name.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let path = stemDirectory + "/" + String(name) + ".wav"
        let format = Self.format(for: path, bitDepth: bitDepth) ?? .wav24
        if format.bitDepth == 16 { Mastering.dither(&samples, bits: 16) }
        try SoundFile.write(samples, channels: 2, sampleRate: sampleRate, format: format, to: path)
      }
    }
    return report
  }
}
