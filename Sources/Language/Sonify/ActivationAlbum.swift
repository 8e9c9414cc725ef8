import Foundation
public import Inference
public import Inside
public import Score
public import Theory

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the activation album reads from one prompt's forward pass: its tension along a
/// contrast direction per layer and token (``Inside/ActivationTension``), and per scored token
/// the spread of its attention and the sparsity of its MLP.
public struct PromptReading: Sendable, Hashable, Codable {
  public var text: String
  /// The scored tokens' text (the instruction and the template's closing tokens, outliers
  /// left out).
  public var tokens: [String]
  /// Their positions in the pass (0-based).
  public var positions: [Int]
  /// Positions left out and why.
  public var excluded: [ActivationTension.Exclusion]
  /// `z[l][k]`: tension of scored token k at direction layer l (after block l), in standard
  /// deviations of the reference set.
  public var z: [[Double]]
  /// The prompt's tension: its mean projection over the closing tokens at the chosen layer
  /// (where and how the direction was measured), as a z-score against the reference prompts'.
  public var tension: Double
  /// Per scored token: the entropy of its attention at the chosen layer, averaged over heads,
  /// over its largest possible value log(t + 1), in [0, 1] (0: one key, 1: uniform).
  public var spread: [Double]
  /// Per scored token: the MLP's sparsity at a third of the depth (``Inference/ForwardPass/mlpSparsity``).
  public var sparsity: [Double]
  public var chosenLayer: Int

  enum CodingKeys: String, CodingKey {
    case text, tokens, positions, excluded, z, tension, spread, sparsity
    case chosenLayer = "chosen_layer"
  }

  /// Reads `pass` (one prompt) at its `instruction` and `closing` tokens, the prompt's tension
  /// averaged over `closing`.
  public init(
    text: String, pass: ForwardPass, tokenText: (Int) -> String, instruction: [Int], closing: [Int], directions: [[Double]],
    reference: ActivationTension.Reference, chosenLayer: Int
  ) {
    let tension = ActivationTension(pass: pass, directions: directions, instruction: instruction, closing: closing, reference: reference)
    self.text = text
    self.positions = tension.positions
    self.tokens = tension.positions.map { tokenText(pass.tokens[$0]) }
    self.excluded = tension.excluded
    self.z = tension.z
    self.chosenLayer = chosenLayer
    self.tension = tension.promptZ.indices.contains(chosenLayer) ? tension.promptZ[chosenLayer] : 0
    let layer = min(max(0, chosenLayer), pass.layerCount - 1)
    self.spread = tension.positions.map { t in
      guard t > 0 else { return 0 }
      var h = 0.0
      for head in 0..<pass.heads {
        for p in pass.attentionRow(layer: layer, head: head, token: t) where p > 0 { h -= Double(p) * log(Double(p)) }
      }
      return min(1, h / Double(pass.heads) / log(Double(t + 1)))
    }
    let third = min(pass.mlpSparsity.count - 1, max(0, pass.layerCount / 3))
    self.sparsity = tension.positions.map { t in third >= 0 && t < pass.mlpSparsity[third].count ? Double(pass.mlpSparsity[third][t]) : 0 }
  }

  public init(
    text: String, tokens: [String], positions: [Int], excluded: [ActivationTension.Exclusion], z: [[Double]], tension: Double, spread: [Double],
    sparsity: [Double], chosenLayer: Int
  ) {
    self.text = text
    self.tokens = tokens
    self.positions = positions
    self.excluded = excluded
    self.z = z
    self.tension = tension
    self.spread = spread
    self.sparsity = sparsity
    self.chosenLayer = chosenLayer
  }

  /// The mean z of layer `l` over the scored tokens.
  public func layerTension(_ l: Int) -> Double { z[l].isEmpty ? 0 : z[l].reduce(0, +) / Double(z[l].count) }
}

/// The activation album's pieces (after the seed notebook's, with its faults fixed: tension
/// scored against a reference set, real attention weights, a root and mode that move, a
/// dialogue whose descent has prompts of its own, instruments on the parts they are named
/// for).
///
/// One prompt's piece, ``solo(_:style:)``: a clarinet plays one note per scored token at the
/// chosen layer (pitch and loudness from its tension, length from how widely it attends);
/// strings play one two-note chord per layer across the same span (the layer's mean tension);
/// an organ sounds under the layers whose tension is above the reference range (z > 1), louder
/// the further above; a celesta rings on the tokens whose MLP is sparser than the prompt's
/// median. Each part's notes carry provenance (layer, token, z).
public struct ActivationAlbum: Sendable {
  /// A piece's key and tempo.
  public struct Style: Sendable, Hashable {
    public var key: Key
    /// Quarter notes per minute.
    public var bpm: Double

    public init(key: Key, bpm: Double) {
      self.key = key
      self.bpm = bpm
    }

    /// The style a prompt's tension suggests on `root`: phrygian above z = 3, dorian above
    /// 1.5, natural minor otherwise; 66 BPM plus 8 per unit of z, within ``tempoRange``.
    public static func suggested(root: PitchClass, tension: Double) -> Style {
      let mode: Mode = tension > 3 ? .phrygian : tension > 1.5 ? .dorian : .naturalMinor
      let bpm = min(tempoRange.upperBound, max(tempoRange.lowerBound, (66 + 8 * tension).rounded()))
      return Style(key: Key(root: root, mode: mode), bpm: bpm)
    }
  }

  /// Tempi the album uses, BPM.
  public static let tempoRange = 52.0...120.0
  /// z-score at which a layer's tension counts as beyond the reference set (the organ enters).
  public static let organThreshold = 1.0
  /// Beats of rest between the pieces of a dialogue or an album.
  public static let gap = 2.0

  /// Part names and programs, one place: (name, General MIDI program, built-in patch).
  static let lead = ("Clarinet", 71, "fm-reed")
  static let strings = ("Strings", 48, "strings")
  static let organ = ("Organ", 19, "organ")
  static let celesta = ("Celesta", 8, "fm-bell")

  public init() {}

  /// z as a unit value: a logistic of z/2 (0.5 at the reference mean, 0.88 at z = 4).
  public static func unit(_ z: Double) -> Double { 1 / (1 + exp(-z / 2)) }

  /// One prompt's piece.
  public func solo(_ reading: PromptReading, style: Style, title: String? = nil) -> Score {
    var score = Score(
      title: title ?? reading.text, tempos: [Score.Tempo(beat: 0, bpm: style.bpm)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: style.key.fifths, minor: style.key.mode.isMinor)],
      texts: [TextEvent(beat: 0, text: String(format: "%@, %.0f BPM, tension %.2f", "\(style.key)", style.bpm, reading.tension))])
    let parts = parts(reading, style: style, channels: 0, names: "")
    score.tracks = parts.tracks
    score.provenance = parts.provenance
    score.markers = [Score.Marker(beat: 0, text: reading.text)]
    return score
  }

  /// Two prompts side by side in one file: A's parts on channels 0–3 panned left, B's on 4–7
  /// panned right, each in its own mode on the same root, at the mean of their tempi.
  public func contrast(_ a: PromptReading, _ b: PromptReading, root: PitchClass) -> Score {
    let sa = Style.suggested(root: root, tension: a.tension)
    let sb = Style.suggested(root: root, tension: b.tension)
    let bpm = ((sa.bpm + sb.bpm) / 2).rounded()
    var score = Score(
      title: "\(a.text) | \(b.text)", tempos: [Score.Tempo(beat: 0, bpm: bpm)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: sa.key.fifths, minor: sa.key.mode.isMinor)],
      texts: [TextEvent(beat: 0, text: String(format: "A: %@, tension %.2f; B: %@, tension %.2f", "\(sa.key)", a.tension, "\(sb.key)", b.tension))])
    let pa = parts(a, style: sa, channels: 0, names: "A ")
    var pb = parts(b, style: sb, channels: 4, names: "B ")
    let offset = pa.provenance.count
    for i in pb.tracks.indices {
      pb.tracks[i].notes = pb.tracks[i].notes.map { n in
        var n = n
        n.provenance = n.provenance.map { $0 + offset }
        return n
      }
    }
    score.tracks = pa.tracks.map { panned($0, 24) } + pb.tracks.map { panned($0, 104) }
    score.provenance = pa.provenance + pb.provenance
    score.markers = [Score.Marker(beat: 0, text: "A: \(a.text)"), Score.Marker(beat: 0, text: "B: \(b.text)")]
    return score
  }

  /// Pieces one after another with ``gap`` beats between them; each piece's start (beats).
  public func sequence(_ pieces: [Score], title: String) -> (score: Score, starts: [Double]) {
    var out = Score(title: title, tempos: [])
    var starts: [Double] = []
    var at = 0.0
    for piece in pieces {
      starts.append(at)
      out = out.appending(piece, at: at)
      at += (piece.length + Self.gap).rounded(.up)
    }
    if out.tempos.isEmpty { out.tempos = [Score.Tempo(beat: 0, bpm: 72)] }
    out.timeSignatures = [out.timeSignatures.first ?? Score.TimeSignature(beat: 0, numerator: 4, denominator: 4)]
    return (out, starts)
  }

  /// Base against abliterated, per layer (``album compare``): an oboe plays the base model's
  /// component along r̂ (one note per layer), a clarinet the abliterated model's at the same
  /// moments, and an organ sounds low where the component fell, louder the more it fell.
  /// `base[l]` and `other[l]` are mean cosines of the residual stream with r̂ at layer l.
  public func comparison(base: [Double], other: [Double], prompt: String, style: Style) -> Score {
    var score = Score(
      title: "\(prompt): base against abliterated", tempos: [Score.Tempo(beat: 0, bpm: style.bpm)],
      keySignatures: [Score.KeySignature(beat: 0, fifths: style.key.fifths, minor: style.key.mode.isMinor)])
    var oboe = Track(name: "Oboe (base)", channel: 0, program: 68, patch: "fm-reed")
    var clarinet = Track(name: "Clarinet (abliterated)", channel: 1, program: 71, patch: "fm-reed")
    var organ = Track(name: "Organ (removed)", channel: 2, program: Self.organ.1, patch: Self.organ.2)
    let scale = style.key.scale
    let top = max(1e-9, (base + other).map(abs).max() ?? 1)
    let range = Pitch(clamping: 60)...Pitch(clamping: 84)
    for l in base.indices {
      let beat = Double(l)
      let pb = scale.pitch(for: 0.5 + 0.5 * base[l] / top, in: range)
      let po = scale.pitch(for: 0.5 + 0.5 * (l < other.count ? other[l] : 0) / top, in: range)
      let p = score.provenance.count
      score.provenance.append(Provenance(tensor: "hidden_state", role: "base", layer: l, statistic: "cosine_with_direction", value: base[l]))
      score.provenance.append(
        Provenance(tensor: "hidden_state", role: "abliterated", layer: l, statistic: "cosine_with_direction", value: l < other.count ? other[l] : 0))
      oboe.notes.append(Note(onset: beat, duration: 0.9, pitch: pb.midi, velocity: 80, provenance: p))
      clarinet.notes.append(Note(onset: beat, duration: 0.9, pitch: po.midi - 12, velocity: 70, provenance: p + 1))
      let fell = abs(base[l]) - abs(l < other.count ? other[l] : 0)
      if fell > 0.05 * top {
        let v = 40 + Int((70 * min(1, fell / top)).rounded())
        organ.notes.append(Note(onset: beat, duration: 1, pitch: 36 + style.key.root.value, velocity: v, provenance: p))
      }
      score.markers.append(Score.Marker(beat: beat, text: "layer \(l)"))
    }
    score.tracks = [oboe, clarinet] + (organ.notes.isEmpty ? [] : [organ])
    return score
  }

  func panned(_ track: Track, _ pan: Int) -> Track {
    var t = track
    t.controls.insert(ControlChange(beat: 0, controller: 10, value: pan), at: 0)
    return t
  }

  /// A prompt's four parts on `channels`…`channels + 3`.
  func parts(_ r: PromptReading, style: Style, channels c: Int, names prefix: String) -> (tracks: [Track], provenance: [Provenance]) {
    let scale = style.key.scale
    var provenance: [Provenance] = []
    var lead = Track(name: prefix + Self.lead.0, channel: c, program: Self.lead.1, patch: Self.lead.2)
    var strings = Track(name: prefix + Self.strings.0, channel: c + 1, program: Self.strings.1, patch: Self.strings.2)
    var organ = Track(name: prefix + Self.organ.0, channel: c + 2, program: Self.organ.1, patch: Self.organ.2)
    var celesta = Track(name: prefix + Self.celesta.0, channel: c + 3, program: Self.celesta.1, patch: Self.celesta.2)
    let L = r.z.count
    let chosen = min(max(0, r.chosenLayer), max(0, L - 1))
    // The lead: one note per scored token at the chosen layer.
    let leadRange = Pitch(clamping: 60)...Pitch(clamping: 84)
    let medianSparsity = r.sparsity.sorted()[safe: r.sparsity.count / 2] ?? 0
    var beat = 0.0
    for k in r.positions.indices {
      let z = L > 0 ? r.z[chosen][k] : 0
      let u = Self.unit(z)
      let slot = 0.5 + 1.0 * (k < r.spread.count ? r.spread[k] : 0)
      let p = provenance.count
      provenance.append(Provenance(tensor: "hidden_state", role: r.tokens[k], layer: chosen, statistic: "tension_z", index: r.positions[k], value: z))
      lead.notes.append(
        Note(onset: beat, duration: slot * 0.92, pitch: scale.pitch(for: u, in: leadRange).midi, velocity: 45 + Int((70 * u).rounded()), provenance: p))
      lead.lyrics.append(TextEvent(beat: beat, text: r.tokens[k], kind: .lyric))
      let s = k < r.sparsity.count ? r.sparsity[k] : 0
      if s > medianSparsity {
        let q = provenance.count
        provenance.append(Provenance(tensor: "mlp", role: r.tokens[k], layer: L / 3, statistic: "sparsity", index: r.positions[k], value: s))
        let pitch = scale.pitch(for: min(1, s), in: Pitch(clamping: 84)...Pitch(clamping: 96))
        celesta.notes.append(Note(onset: beat, duration: slot * 0.3, pitch: pitch.midi, velocity: 30 + Int((40 * min(1, s)).rounded()), provenance: q))
      }
      beat += slot
    }
    let total = max(beat, 1)
    // Strings and organ: one slot per layer across the same span.
    let layerSlot = total / Double(max(1, L))
    let stringRange = Pitch(clamping: 48)...Pitch(clamping: 72)
    for l in 0..<L {
      let zl = r.layerTension(l)
      let u = Self.unit(zl)
      let at = Double(l) * layerSlot
      let p = provenance.count
      provenance.append(Provenance(tensor: "hidden_state", role: "layer mean", layer: l, statistic: "tension_z", value: zl))
      let low = scale.pitch(for: u, in: stringRange)
      let third = scale.pitch(for: min(1, u + 2.0 / 15), in: stringRange)
      for pitch in Set([low.midi, max(low.midi + 3, third.midi)]).sorted() {
        strings.notes.append(Note(onset: at, duration: layerSlot * 0.98, pitch: pitch, velocity: 35 + Int((50 * u).rounded()), provenance: p))
      }
      if zl > Self.organThreshold {
        let strength = min(1, (zl - Self.organThreshold) / 4)
        let pitch = scale.snap(Pitch(clamping: 36 + style.key.root.value + Int((12 * strength).rounded())))
        organ.notes.append(Note(onset: at, duration: layerSlot * 0.98, pitch: pitch.midi, velocity: 30 + Int((70 * strength).rounded()), provenance: p))
      }
    }
    let tracks = [lead, strings, organ, celesta].filter { !$0.notes.isEmpty }
    return (tracks, provenance)
  }
}

extension Array {
  fileprivate subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
