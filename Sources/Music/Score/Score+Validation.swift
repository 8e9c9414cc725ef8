/// Why a score cannot be written.
public struct ScoreError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

extension Score {
  /// Checks every value a file format would have to clamp or could not represent.
  public func validate() throws(ScoreError) {
    var channels: [Int: String] = [:]
    for t in tracks {
      guard (0...15).contains(t.channel) else { throw ScoreError("track \"\(t.name)\": channel \(t.channel) outside 0…15") }
      guard (0...127).contains(t.program) else { throw ScoreError("track \"\(t.name)\": program \(t.program) outside 0…127") }
      guard (0...16383).contains(t.bank) else { throw ScoreError("track \"\(t.name)\": bank \(t.bank) outside 0…16383") }
      guard (1...24).contains(t.pitchBendRange) else { throw ScoreError("track \"\(t.name)\": pitch-bend range \(t.pitchBendRange) outside 1…24") }
      if t.isDrum && t.channel != 9 { throw ScoreError("track \"\(t.name)\": drums must use channel 10 (9 counting from 0)") }
      if !t.isDrum, let other = channels[t.channel] {
        throw ScoreError("tracks \"\(other)\" and \"\(t.name)\" share channel \(t.channel + 1)")
      }
      if !t.isDrum { channels[t.channel] = t.name }
      for n in t.notes {
        guard n.onset.isFinite, n.onset >= 0, n.duration.isFinite, n.duration > 0 else {
          throw ScoreError("track \"\(t.name)\": note at beat \(n.onset) has onset or duration out of range")
        }
        guard (0...127).contains(n.pitch), (1...127).contains(n.velocity) else {
          throw ScoreError("track \"\(t.name)\": note at beat \(n.onset) has pitch \(n.pitch) or velocity \(n.velocity) out of range")
        }
        if let p = n.provenance, !provenance.indices.contains(p) {
          throw ScoreError("track \"\(t.name)\": note at beat \(n.onset) points to missing provenance \(p)")
        }
      }
      for c in t.controls where !(0...127).contains(c.controller) || !(0...127).contains(c.value) || !(c.beat >= 0) {
        throw ScoreError("track \"\(t.name)\": controller \(c.controller) = \(c.value) at beat \(c.beat) out of range")
      }
      for b in t.bends where !(b.beat >= 0) || !b.semitones.isFinite {
        throw ScoreError("track \"\(t.name)\": pitch bend at beat \(b.beat) out of range")
      }
    }
    for t in tempos where !(t.bpm > 0 && t.bpm < 1000 && t.beat >= 0) {
      throw ScoreError("tempo \(t.bpm) BPM at beat \(t.beat) out of range")
    }
    for s in timeSignatures {
      guard s.numerator > 0, s.numerator < 256, [1, 2, 4, 8, 16, 32].contains(s.denominator), s.beat >= 0 else {
        throw ScoreError("time signature \(s.numerator)/\(s.denominator) is not representable")
      }
    }
    for k in keySignatures where !(-7...7).contains(k.fifths) {
      throw ScoreError("key signature with \(k.fifths) fifths outside −7…7")
    }
  }
}
