public import Score
import Theory

#if canImport(Glibc)
  import Glibc
#endif

/// The difference piece: it walks the layers in order (two bars each, marker "layer N") over
/// a steady bed that marks time (a held tonic chord and a pulse); the part `Difference` is
/// silent where a layer is unchanged and grows in loudness, register and dissonance with the
/// layer's largest relative change (scaled to the most changed layer), so changed layers can be
/// heard and located.
public enum DifferencePiece {
  public static func score(for comparison: Comparison, tempo: Double = 96) -> Score {
    var score = Score(
      title: "Difference", tempos: [Score.Tempo(beat: 0, bpm: tempo)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: 0, minor: true)])
    score.texts = [TextEvent(beat: 0, text: "A: \(comparison.modelA); B: \(comparison.modelB)")]
    var bed = Track(name: "Bed", channel: 0, program: 89, patch: "supersaw-pad")
    var pulse = Track(name: "Pulse", channel: 9, isDrum: true, patch: "drums-909")
    var difference = Track(name: "Difference", channel: 1, program: 11, patch: "fm-bell")  // GM 11: vibraphone
    let maxChange = comparison.layers.map(\.maxRelativeChange).max() ?? 0
    let barBeats = 4.0
    for (i, layer) in comparison.layers.enumerated() {
      let start = Double(i) * 2 * barBeats
      score.markers.append(Score.Marker(beat: start, text: "layer \(layer.layer)"))
      let top = comparison.ranking.first { $0.tensor == layer.mostChanged }
      score.provenance.append(
        Provenance(tensor: layer.mostChanged, role: top?.role, layer: layer.layer, statistic: "relative_change", value: layer.maxRelativeChange))
      let p = score.provenance.count - 1
      // The bed: A minor held, a pulse on every beat.
      for pitch in [45, 52, 57, 60] { bed.notes.append(Note(onset: start, duration: 2 * barBeats - 0.05, pitch: pitch, velocity: 50, provenance: p)) }
      for beat in 0..<Int(2 * barBeats) {
        pulse.notes.append(Note(onset: start + Double(beat), duration: 0.1, pitch: beat % 4 == 0 ? 37 : 42, velocity: beat % 4 == 0 ? 70 : 45, provenance: p))
      }
      guard layer.maxRelativeChange > 0, maxChange > 0 else { continue }
      // Change on a log scale relative to the most changed layer: 0 (barely) … 1 (most).
      let u = max(0, min(1, 1 + log10(layer.maxRelativeChange / maxChange) / 3))
      let velocity = 30 + Int(u * 97)
      let root = 69 + Int((u * 24).rounded())
      var chord = [root]
      if u > 0.33 { chord.append(root + 6) }  // tritone
      if u > 0.66 { chord.append(root + 1) }  // minor second
      let strikes = 1 + Int(u * 7)
      for k in 0..<strikes {
        let onset = start + Double(k) * 2 * barBeats / Double(strikes)
        for pitch in chord { difference.notes.append(Note(onset: onset, duration: 0.9, pitch: min(127, pitch), velocity: min(127, velocity), provenance: p)) }
      }
    }
    score.tracks = [bed, pulse, difference]
    return score
  }
}
