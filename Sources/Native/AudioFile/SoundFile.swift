import CSndFile

/// Reading and writing audio through libsndfile. Samples are interleaved `Float` in −1…1.
public enum SoundFile {
  /// Writes interleaved samples to `path` in `format`.
  ///
  /// Float WAV files normally carry a PEAK chunk with a timestamp, which would make renders
  /// differ run to run; it is switched off, so the same samples always give the same bytes.
  /// The file is written under a temporary name and renamed into place when complete.
  public static func write(
    _ samples: [Float], channels: Int, sampleRate: Int, format: AudioFormat, to path: String
  ) throws(AudioFileError) {
    var info = SF_INFO()
    info.samplerate = Int32(sampleRate)
    info.channels = Int32(channels)
    info.format = Int32(formatCode(format))
    guard sf_format_check(&info) == Int32(SF_TRUE) else {
      throw AudioFileError(path: path, reason: "libsndfile rejects \(format.rawValue) at \(sampleRate) Hz, \(channels) channels")
    }
    let temporary = path + ".part"
    guard let file = sf_open(temporary, Int32(SFM_WRITE), &info) else {
      throw AudioFileError(path: path, reason: String(cString: sf_strerror(nil)))
    }
    sf_command(file, Int32(SFC_SET_ADD_PEAK_CHUNK), nil, Int32(SF_FALSE))
    sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    let frames = samples.count / max(1, channels)
    let written = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(frames)) }
    let closed = sf_close(file)
    guard written == sf_count_t(frames), closed == 0 else {
      _ = remove(temporary)
      throw AudioFileError(path: path, reason: "short write (\(written) of \(frames) frames)")
    }
    guard rename(temporary, path) == 0 else {
      _ = remove(temporary)
      throw AudioFileError(path: path, reason: "cannot rename into place")
    }
  }

  /// Reads a whole file: interleaved samples, channel count and sample rate.
  public static func read(_ path: String) throws(AudioFileError) -> (samples: [Float], channels: Int, sampleRate: Int) {
    var info = SF_INFO()
    guard let file = sf_open(path, Int32(SFM_READ), &info) else {
      throw AudioFileError(path: path, reason: String(cString: sf_strerror(nil)))
    }
    defer { sf_close(file) }
    let channels = Int(info.channels)
    let frames = Int(info.frames)
    var samples = [Float](repeating: 0, count: frames * channels)
    let read = samples.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(frames)) }
    guard read == sf_count_t(frames) else { throw AudioFileError(path: path, reason: "short read") }
    return (samples, channels, Int(info.samplerate))
  }

  static func formatCode(_ format: AudioFormat) -> Int {
    switch format {
    case .wav16: SF_FORMAT_WAV | SF_FORMAT_PCM_16
    case .wav24: SF_FORMAT_WAV | SF_FORMAT_PCM_24
    case .wavFloat: SF_FORMAT_WAV | SF_FORMAT_FLOAT
    case .flac16: SF_FORMAT_FLAC | SF_FORMAT_PCM_16
    case .flac24: SF_FORMAT_FLAC | SF_FORMAT_PCM_24
    }
  }
}
