public import Inside
public import Score
public import Tokenizer
import Theory

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Sonification {
  /// The lens mode's fixed choices (one place).
  enum LensSettings {
    /// Beats per layer, and the closing chord's length.
    static let step = 1.0
    static let coda = 4.0
    /// Scale degrees per doubling of the answer's rank (rank 0 → the tonic, rank 1 → one
    /// degree up, rank 1000 → two octaves), and the highest degree.
    static let degreesPerDoubling = 1.4
    static let highestDegree = 14
    /// The chords a change of top token moves through (0-based degrees: IV, V, vi, ii, iii);
    /// the tonic triad is kept for the moment the model makes up its mind.
    static let changes = [3, 4, 5, 1, 2]
  }

  /// The logit lens of the prompt's last token as music, one step per layer (layer l = the
  /// residual stream after block l, as the lens reads it):
  /// - **Answer** (vibraphone): its pitch follows the rank of the final answer (the last layer's
  ///   top token) in that layer's distribution, `degreesPerDoubling` scale degrees per doubling
  ///   of the rank above the tonic, so it lands on the tonic where the model has made up its
  ///   mind and stays there;
  /// - **Confidence** (string pad): the layer's chord, its loudness (velocity 25…120) and
  ///   brightness (CC 74, 20…120) from the top token's probability;
  /// - **Bass**: the chord's root. The harmony changes when the top token changes (IV, V, vi,
  ///   ii, iii in turn) and resolves to the tonic triad from the layer where the answer
  ///   settles; a closing tonic chord carries the answer.
  /// Markers name each layer's top token and probability; every note's provenance is the lens
  /// value it came from (tensor `logit_lens`, statistics `answer_rank`, `top_probability`,
  /// `top_token`).
  public func lens(_ lens: LogitLens, tokenizer: BytePairTokenizer, tokens: [Int], prompt: String) throws(SonifyError) -> (Score, [Word]) {
    let words = Self.words(of: tokens, tokenizer: tokenizer)
    guard !words.isEmpty, let last = lens.readings.first?.indices.last else { throw .noWords }
    let L = lens.layers
    let settle = lens.settles[last]
    let answer = lens.next[last].first?.token ?? 0
    let answerText = tokenizer.text(of: answer)
    let scale = key.scale
    var score = base(title: "\(prompt): lens")
    var lead = Track(name: "Answer", channel: 0, program: 11, patch: "fm-bell")
    var pad = Track(name: "Confidence", channel: 1, program: 48, patch: "strings")
    var bass = Track(name: "Bass", channel: 2, program: 32, patch: "pluck-bass")
    var provenance: [Provenance] = []
    var chordIndex = -1
    var previousTop: Int?
    for l in 0..<L {
      let r = lens.readings[l][last]
      let beat = Double(l) * LensSettings.step
      let top = tokenizer.text(of: r.top)
      score.markers.append(Score.Marker(beat: beat, text: "layer \(l): \(top.debugDescription) \(Int((r.probability * 100).rounded()))%"))
      // Answer voice.
      let degree = min(LensSettings.highestDegree, Int((LensSettings.degreesPerDoubling * log2(1 + Double(r.answerRank))).rounded()))
      let pitch = scale.pitch(degree: degree, octave: 4) ?? Self.pitch("C4")
      var p = provenance.count
      provenance.append(Provenance(tensor: "logit_lens", role: answerText, layer: l, statistic: "answer_rank", index: last, value: Double(r.answerRank)))
      lead.notes.append(Note(onset: beat, duration: LensSettings.step * 0.9, pitch: pitch.midi, velocity: 70 + Int((r.answerProbability * 50).rounded()), provenance: p))
      // Harmony: a new chord when the top token changes, the tonic once settled.
      let degreeOfChord: Int
      if l >= settle {
        degreeOfChord = 0
      } else {
        if r.top != previousTop { chordIndex = (chordIndex + 1) % LensSettings.changes.count }
        degreeOfChord = LensSettings.changes[max(0, chordIndex)]
      }
      previousTop = r.top
      let chord = Chord(scale: scale, degree: degreeOfChord)
      p = provenance.count
      provenance.append(Provenance(tensor: "logit_lens", role: top, layer: l, statistic: "top_probability", index: last, value: r.probability))
      let velocity = 25 + Int((r.probability * 95).rounded())
      for q in chord.pitches(octave: 3) {
        pad.notes.append(Note(onset: beat, duration: LensSettings.step, pitch: q.midi, velocity: velocity, provenance: p))
      }
      pad.controls.append(ControlChange(beat: beat, controller: 74, value: 20 + Int((r.probability * 100).rounded())))
      p = provenance.count
      provenance.append(Provenance(tensor: "logit_lens", role: top, layer: l, statistic: "top_token", index: last, value: Double(r.top)))
      if let root = chord.pitches(octave: 2).first {
        bass.notes.append(Note(onset: beat, duration: LensSettings.step, pitch: root.midi, velocity: 70, provenance: p))
      }
    }
    // Coda: the answer on the tonic.
    let end = Double(L) * LensSettings.step
    score.markers.append(Score.Marker(beat: end, text: "answer: \(answerText.debugDescription), settled at layer \(settle)"))
    let p = provenance.count
    provenance.append(Provenance(tensor: "logit_lens", role: answerText, layer: L - 1, statistic: "settles", index: last, value: Double(settle)))
    let tonic = Chord(scale: scale, degree: 0)
    for q in tonic.pitches(octave: 3) { pad.notes.append(Note(onset: end, duration: LensSettings.coda, pitch: q.midi, velocity: 90, provenance: p)) }
    if let root = tonic.pitches(octave: 2).first { bass.notes.append(Note(onset: end, duration: LensSettings.coda, pitch: root.midi, velocity: 80, provenance: p)) }
    if let top = scale.pitch(degree: 0, octave: 4) {
      lead.notes.append(Note(onset: end, duration: LensSettings.coda, pitch: top.midi, velocity: 100, provenance: p))
    }
    lead.lyrics.append(TextEvent(beat: end, text: answerText, kind: .lyric))
    score.tracks = [lead, pad, bass]
    score.provenance = provenance
    let timings = words.map { Word(word: $0.text, onset: 0, duration: seconds(end + LensSettings.coda), tokens: $0.tokens) }
    return (score, timings)
  }
}
