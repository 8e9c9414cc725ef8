import AudioFile
import Foundation
import Testing

@Suite("SoundFile")
struct SoundFileTests {
  static func sine(frames: Int, rate: Double = 44_100, hz: Double = 440) -> [Float] {
    (0..<frames).flatMap { i -> [Float] in
      let v = Float(0.5 * sin(2 * .pi * hz * Double(i) / rate))
      return [v, -v]
    }
  }

  static func directory() -> String {
    let dir = FileManager.default.temporaryDirectory.path + "/eigentone-audio-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test(arguments: AudioFormat.allCases)
  func roundTrip(_ format: AudioFormat) throws {
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/t." + (format.rawValue.hasPrefix("flac") ? "flac" : "wav")
    let samples = Self.sine(frames: 4410)
    try SoundFile.write(samples, channels: 2, sampleRate: 44_100, format: format, to: path)
    let back = try SoundFile.read(path)
    #expect(back.channels == 2)
    #expect(back.sampleRate == 44_100)
    #expect(back.samples.count == samples.count)
    let step: Float = format.bitDepth == 32 ? 0 : 1 / Float(1 << (format.bitDepth - 1))
    let worst = zip(back.samples, samples).map { abs($0 - $1) }.max() ?? 1
    #expect(worst <= step)
    #expect(!FileManager.default.fileExists(atPath: path + ".part"))
  }

  /// The same samples give the same bytes (no timestamped PEAK chunk in float WAV).
  @Test(arguments: [AudioFormat.wavFloat, .flac24])
  func byteIdenticalRuns(_ format: AudioFormat) throws {
    let dir = Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let samples = Self.sine(frames: 2000)
    try SoundFile.write(samples, channels: 2, sampleRate: 48_000, format: format, to: dir + "/a")
    Thread.sleep(forTimeInterval: 1.1)
    try SoundFile.write(samples, channels: 2, sampleRate: 48_000, format: format, to: dir + "/b")
    let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a"))
    let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b"))
    #expect(a == b)
  }

  @Test func unwritableDestination() {
    #expect(throws: AudioFileError.self) {
      try SoundFile.write([0, 0], channels: 2, sampleRate: 44_100, format: .wav16, to: "/nonexistent/dir/x.wav")
    }
  }
}
