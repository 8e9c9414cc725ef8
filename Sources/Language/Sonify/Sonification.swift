public import Analysis
public import Inference
public import Score
public import Theory
public import Tokenizer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns one forward pass over a prompt into a score, against an ``ActivationMap``.
public struct Sonification: Sendable {
  /// What the score follows.
  public enum Mode: String, Sendable, CaseIterable, Codable {
    /// One note per word in three voices: flute from an early layer, clarinet from the middle
    /// layer, strings from the last layer, over a drone.
    case words
    /// A passage per layer in which every token is a voice.
    case thinking
    /// The logit lens of the last token as music, one step per layer (``lens(_:tokenizer:prompt:)``).
    case lens
  }

  /// A word of the prompt and when it sounds.
  public struct Word: Sendable, Hashable, Codable {
    public var word: String
    /// Seconds from the start.
    public var onset: Double
    public var duration: Double
    /// Token positions (0-based) that make the word.
    public var tokens: [Int]
  }

  public var key: Key
  /// Quarter notes per minute.
  public var tempo: Double

  /// - Parameters:
  ///   - key: the key (the command takes the model portrait's suggested key).
  ///   - tempo: 72 BPM by default: one word per beat or so, slow enough to follow the text.
  public init(key: Key, tempo: Double = 72) {
    self.key = key
    self.tempo = tempo
  }

  /// The prompt's words: a token that starts with whitespace starts a new word, the others
  /// (sub-words, punctuation) join the word before them.
  /// The key a model's weights suggest (its portrait's `suggested_key`); D dorian if the name
  /// does not parse.
  public static func key(suggestedBy portrait: Portrait) -> Key {
    Key(parsing: portrait.summary.suggestedKey.name) ?? Key(root: PitchClass(0), mode: .dorian)
  }

  /// The score and word timings for the words and thinking modes (the lens mode reads a
  /// ``Inside/LogitLens`` instead: ``lens(_:tokenizer:prompt:)``).
  public func score(_ mode: Mode, pass: ForwardPass, map: ActivationMap, tokenizer: BytePairTokenizer, prompt: String) throws(SonifyError) -> (Score, [Word]) {
    switch mode {
    case .words: try words(pass: pass, map: map, tokenizer: tokenizer, prompt: prompt)
    case .thinking, .lens: try thinking(pass: pass, map: map, tokenizer: tokenizer, prompt: prompt)
    }
  }

  public static func words(of tokens: [Int], tokenizer: BytePairTokenizer) -> [(text: String, tokens: [Int])] {
    var out: [(text: String, tokens: [Int])] = []
    for (i, id) in tokens.enumerated() {
      let piece = tokenizer.text(of: id)
      let startsWord = out.isEmpty || piece.first.map { $0.isWhitespace } ?? false
      if startsWord {
        out.append((piece, [i]))
      } else {
        out[out.count - 1].text += piece
        out[out.count - 1].tokens.append(i)
      }
    }
    return out.map { (String($0.text.drop { $0.isWhitespace }), $0.tokens) }.filter { !$0.text.isEmpty }
  }

  struct Voice {
    var name: String
    var program: Int
    var patch: String
    var range: ClosedRange<Pitch>
    var layer: Int
  }

  static func pitch(_ name: String) -> Pitch { Pitch(name: name) ?? Pitch(clamping: 60) }

  /// The score for the word mode, and the word timings.
  public func words(pass: ForwardPass, map: ActivationMap, tokenizer: BytePairTokenizer, prompt: String) throws(SonifyError) -> (Score, [Word]) {
    let words = Self.words(of: pass.tokens, tokenizer: tokenizer)
    guard !words.isEmpty else { throw .noWords }
    guard map.hiddenSize == pass.hiddenSize, map.layers.count == pass.hiddenStates.count else {
      throw .mapMismatch("\(map.layers.count) layers of width \(map.hiddenSize) against \(pass.hiddenStates.count) of \(pass.hiddenSize)")
    }
    let L = pass.layerCount
    let voices = [
      Voice(name: "Flute", program: 73, patch: "fm-flute", range: Self.pitch("G4")...Self.pitch("G6"), layer: max(1, L / 4)),
      Voice(name: "Clarinet", program: 71, patch: "fm-reed", range: Self.pitch("D3")...Self.pitch("D5"), layer: max(1, L / 2)),
      Voice(name: "Strings", program: 48, patch: "strings", range: Self.pitch("C3")...Self.pitch("C5"), layer: L),
    ]
    var score = base(title: "\(prompt): words")
    var tracks = voices.enumerated().map { Track(name: $1.name, channel: $0, program: $1.program, patch: $1.patch) }
    var provenance: [Provenance] = []
    var timings: [Word] = []
    let scale = key.scale
    var beat = 0.0
    for word in words {
      let token = word.tokens.last ?? 0
      // The word's slot: from the last layer's third component, ¾ to 1½ beats.
      let last = map.project(pass.state(layer: L, token: token), layer: L)
      let slot = 0.75 + 0.75 * ActivationMap.unit(last[2], low: map.layers[L].low[2], high: map.layers[L].high[2])
      for (v, voice) in voices.enumerated() {
        let c = map.project(pass.state(layer: voice.layer, token: token), layer: voice.layer)
        let layer = map.layers[voice.layer]
        let u = (0..<3).map { ActivationMap.unit(c[$0], low: layer.low[$0], high: layer.high[$0]) }
        let pitch = scale.pitch(for: u[0], in: voice.range)
        let velocity = 40 + Int((u[1] * 80).rounded())
        let length = slot * (0.6 + 0.4 * u[2])
        let p = provenance.count
        for (k, name) in ["pca.1", "pca.2", "pca.3"].enumerated() {
          provenance.append(Provenance(tensor: "hidden_state", role: word.text, layer: voice.layer, statistic: name, index: token, value: c[k]))
        }
        tracks[v].notes.append(Note(onset: beat, duration: length, pitch: pitch.midi, velocity: velocity, provenance: p))
      }
      tracks[0].lyrics.append(TextEvent(beat: beat, text: word.text, kind: .lyric))
      timings.append(Word(word: word.text, onset: seconds(beat), duration: seconds(beat + slot) - seconds(beat), tokens: word.tokens))
      beat += slot
    }
    // The drone: tonic and fifth under the whole prompt, its level from the embedding's norm.
    let embeddingNorm = norm(pass.state(layer: 0, token: 0))
    let droneLevel = ActivationMap.unit(embeddingNorm, low: map.layers[0].normLow, high: map.layers[0].normHigh)
    let tonic = 36 + key.root.value
    let p = provenance.count
    provenance.append(Provenance(tensor: "hidden_state", role: "norm", layer: 0, statistic: "norm", index: 0, value: embeddingNorm))
    var drone = Track(name: "Drone", channel: 3, program: 19, patch: "organ")
    for pitch in [tonic, tonic + 7] {
      drone.notes.append(Note(onset: 0, duration: beat + 1, pitch: pitch, velocity: 30 + Int((droneLevel * 30).rounded()), provenance: p))
    }
    score.tracks = tracks + [drone]
    score.provenance = provenance
    score.markers = [Score.Marker(beat: 0, text: "words")]
    return (score, timings)
  }

  /// The score for the thinking mode: layer by layer, every token a voice: its pitch spaced
  /// evenly (in semitones, i.e. log-frequency) across the tokens, its loudness from the
  /// hidden-state norm against that layer's corpus range (so early layers are not silent), its
  /// length from the entropy of its attention (averaged over heads; diffuse attention rings
  /// longer). One bar per layer.
  public func thinking(pass: ForwardPass, map: ActivationMap, tokenizer: BytePairTokenizer, prompt: String) throws(SonifyError) -> (Score, [Word]) {
    guard map.hiddenSize == pass.hiddenSize, map.layers.count == pass.hiddenStates.count else {
      throw .mapMismatch("\(map.layers.count) layers of width \(map.hiddenSize) against \(pass.hiddenStates.count) of \(pass.hiddenSize)")
    }
    let T = pass.tokens.count
    let L = pass.layerCount
    var score = base(title: "\(prompt): thinking")
    var track = Track(name: "Tokens", channel: 0, program: 48, patch: "strings")
    var provenance: [Provenance] = []
    let scale = key.scale
    let range = Self.pitch("C3")...Self.pitch("C6")
    let bar = 4.0
    for l in 1...L {
      let start = Double(l - 1) * bar
      score.markers.append(Score.Marker(beat: start, text: "layer \(l)"))
      let layer = map.layers[l]
      for t in 0..<T {
        let n = norm(pass.state(layer: l, token: t))
        let loud = ActivationMap.unit(n, low: layer.normLow, high: layer.normHigh)
        var entropy = 0.0
        for h in 0..<pass.heads {
          for p in pass.attentionRow(layer: l - 1, head: h, token: t) where p > 0 { entropy -= Double(p) * log(Double(p)) }
        }
        entropy /= Double(pass.heads)
        let spread = t > 0 ? min(1, entropy / log(Double(t + 1))) : 0
        let position = T > 1 ? Double(t) / Double(T - 1) : 0.5
        let pitch = scale.pitch(for: position, in: range)
        let p = provenance.count
        provenance.append(
          Provenance(tensor: "hidden_state", role: tokenizer.text(of: pass.tokens[t]), layer: l, statistic: "norm", index: t, value: n))
        provenance.append(
          Provenance(tensor: "attention", role: tokenizer.text(of: pass.tokens[t]), layer: l, statistic: "entropy", index: t, value: entropy))
        track.notes.append(
          Note(
            onset: start + Double(t) * bar / Double(T), duration: 0.25 + spread * 2.75, pitch: pitch.midi, velocity: 25 + Int((loud * 95).rounded()),
            provenance: p))
      }
    }
    let words = Self.words(of: pass.tokens, tokenizer: tokenizer)
    let timings = words.map { Word(word: $0.text, onset: 0, duration: seconds(Double(L) * bar), tokens: $0.tokens) }
    score.tracks = [track]
    score.provenance = provenance
    return (score, timings)
  }

  func base(title: String) -> Score {
    Score(
      title: title, tempos: [Score.Tempo(beat: 0, bpm: tempo)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: key.fifths, minor: key.mode.isMinor)],
      texts: [TextEvent(beat: 0, text: "key \(key), tempo \(Int(tempo)) BPM")])
  }

  func seconds(_ beat: Double) -> Double { beat * 60 / tempo }

  func norm(_ x: ArraySlice<Float>) -> Double { x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
}
