/// A container and sample encoding that libsndfile writes.
public enum AudioFormat: String, Sendable, Hashable, Codable, CaseIterable {
  case wav16, wav24, wavFloat, flac16, flac24

  /// Bits per sample (32 for float).
  public var bitDepth: Int {
    switch self {
    case .wav16, .flac16: 16
    case .wav24, .flac24: 24
    case .wavFloat: 32
    }
  }
}
