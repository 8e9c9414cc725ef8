import AtomicFile
import Foundation
import Render
import ScoreReaders
import Training
public import Score

/// The page `eigentone train all` writes: one self-contained HTML file (no external files:
/// SVG inline, audio as base64 data) comparing the twelve genre models: per genre a piano
/// roll of the first 30 s of its sample, an audio player, its loss curves (training loss,
/// validation loss, the bigram baseline), and a table of validation loss against the baseline.
public struct GenreComparisonPage {
  public struct Genre {
    public var name: String
    public var bigramEntropy: Double
    /// (step, training loss, validation loss or nil) from train.jsonl.
    public var log: [(step: Int, loss: Double, validation: Double?)]
    public var sample: Score
    /// The sample's audio, FLAC bytes (embedded as a data URI).
    public var audio: [UInt8]

    public init(name: String, bigramEntropy: Double, log: [(step: Int, loss: Double, validation: Double?)], sample: Score, audio: [UInt8]) {
      self.name = name
      self.bigramEntropy = bigramEntropy
      self.log = log
      self.sample = sample
      self.audio = audio
    }

    var finalValidation: Double? { log.last { $0.validation != nil }?.validation }
  }

  public var genres: [Genre]
  public var title: String

  public init(title: String, genres: [Genre]) {
    self.title = title
    self.genres = genres
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }

  /// A piano roll of the first `seconds` of a score: time across, pitch up.
  static func roll(_ score: Score, seconds: Double = 30, width: Double = 560, height: Double = 160) -> String {
    var notes: [(Double, Double, Int)] = []
    for t in score.tracks where !t.isDrum {
      for n in t.notes {
        let start = score.seconds(atBeat: n.onset)
        guard start < seconds else { continue }
        notes.append((start, min(seconds, score.seconds(atBeat: n.end)), n.pitch))
      }
    }
    let low = (notes.map(\.2).min() ?? 48) - 1, high = (notes.map(\.2).max() ?? 72) + 1
    let rowHeight = height / Double(max(1, high - low + 1))
    var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" class=\"roll\">"
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"#14161c\"/>"
    for (start, end, pitch) in notes {
      let x = start / seconds * width, w = max(1, (end - start) / seconds * width)
      let y = height - Double(pitch - low + 1) * rowHeight
      svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f5b942\"/>", x, y, w, max(1, rowHeight - 0.5))
    }
    return svg + "</svg>"
  }

  /// Training loss (line), validation loss (dots) and the bigram baseline (dashed).
  static func curves(_ g: Genre, width: Double = 560, height: Double = 160) -> String {
    let steps = Double(g.log.last?.step ?? 1)
    let values = g.log.map(\.loss) + g.log.compactMap(\.validation) + [g.bigramEntropy]
    let top = (values.max() ?? 6) * 1.05, bottom = max(0, (values.min() ?? 0) * 0.9)
    func x(_ s: Int) -> Double { Double(s) / max(1, steps) * (width - 40) + 30 }
    func y(_ v: Double) -> Double { height - 20 - (v - bottom) / max(1e-9, top - bottom) * (height - 30) }
    var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" class=\"curves\">"
    svg += String(format: "<text x=\"2\" y=\"12\">%.1f</text><text x=\"2\" y=\"%.0f\">%.1f</text>", top, height - 20, bottom)
    let path = g.log.map { String(format: "%.1f,%.1f", x($0.step), y($0.loss)) }.joined(separator: " ")
    svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#6cb6ff\" stroke-width=\"1.5\"/>"
    for p in g.log { if let v = p.validation { svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#f5b942\"/>", x(p.step), y(v)) } }
    svg += String(
      format: "<line x1=\"30\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5534b\" stroke-dasharray=\"4 3\"/><text x=\"%.0f\" y=\"%.1f\" fill=\"#e5534b\">bigram %.2f</text>",
      width - 10, y(g.bigramEntropy), y(g.bigramEntropy), width - 110, y(g.bigramEntropy) - 4, g.bigramEntropy)
    svg += String(format: "<text x=\"%.0f\" y=\"%.0f\">step %d</text>", width - 70, height - 4, Int(steps))
    return svg + "</svg>"
  }

  public var html: String {
    var rows = ""
    for g in genres {
      let v = g.finalValidation.map { String(format: "%.3f", $0) } ?? "–"
      let beats = g.finalValidation.map { $0 < g.bigramEntropy ? "yes" : "no" } ?? "–"
      let bar = g.finalValidation.map { String(format: "<span class=\"bar\" style=\"width:%.0fpx\"></span>", 60 * $0) } ?? ""
      rows +=
        "<tr><td>\(Self.escape(g.name))</td><td>\(v) \(bar)</td><td>\(String(format: "%.3f", g.bigramEntropy)) <span class=\"bar base\" style=\"width:\(Int(60 * g.bigramEntropy))px\"></span></td><td>\(beats)</td></tr>\n"
    }
    var cards = ""
    for g in genres {
      cards += "<section><h2>\(Self.escape(g.name))</h2>\n"
      cards += Self.roll(g.sample) + "\n"
      cards += "<audio controls preload=\"none\" src=\"data:audio/flac;base64,\(Data(g.audio).base64EncodedString())\"></audio>\n"
      cards += Self.curves(g) + "</section>\n"
    }
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
      <style>
      body{background:#0d0f14;color:#d7dae0;font:14px system-ui,sans-serif;margin:24px}
      h1{font-weight:600}h2{font-size:16px;margin:8px 0}
      table{border-collapse:collapse;margin:12px 0 24px}td,th{padding:4px 12px;text-align:left;border-bottom:1px solid #2a2f3a}
      .bar{display:inline-block;height:8px;background:#f5b942;vertical-align:middle;margin-left:6px}.bar.base{background:#e5534b}
      section{display:inline-block;vertical-align:top;margin:0 16px 24px 0;padding:12px;background:#171a21;border-radius:8px}
      svg{display:block;margin:6px 0}svg text{fill:#9aa0aa;font-size:10px}audio{width:560px}
      </style></head><body>
      <h1>\(Self.escape(title))</h1>
      <p>The same small GPT trained once per genre. Validation loss (nats/token) against the genre's bigram baseline: a model below it has learned more than which token follows which.</p>
      <table><tr><th>genre</th><th>validation loss</th><th>bigram baseline</th><th>below the baseline</th></tr>
      \(rows)</table>
      \(cards)
      </body></html>

      """
  }
}

extension GenreComparisonPage {
  /// Samples each genre's final model (30 s, `seed`), renders it with FluidSynth beside the
  /// model (`GENRE/sample.mid`, `sample.flac`), and writes `folder/index.html`.
  public static func write(
    folder: String, genres: [String], bigram: [String: Double], seed: UInt64, models: any ModelSource, progress: any PipelineProgress
  ) throws -> String {
    var entries: [Genre] = []
    for (i, name) in genres.enumerated() {
      try progress.stage("sampling \(name) (\(i + 1) of \(genres.count))", at: Double(i) / Double(genres.count))
      let dir = folder + "/" + name
      var settings = SampleSettings()
      settings.seed = seed
      let request = SampleRequest(
        model: dir, settings: settings, prompt: nil, audio: AudioSettings(renderer: .fluidsynth, sampleRate: 44_100, bitDepth: 16, master: true),
        outputs: ScoreOutputs(midi: dir + "/sample.mid", audio: [dir + "/sample.flac"]))
      _ = try request.run(models, progress: SilentProgress())
      let (piece, _) = try MusicInput.piece(dir + "/sample.mid", tune: nil)
      var log: [(Int, Double, Double?)] = []
      let text = (try? String(contentsOfFile: dir + "/train.jsonl", encoding: .utf8)) ?? ""
      for line in text.split(separator: "\n") {
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let step = o["step"] as? Int, let loss = o["loss"] as? Double
        else { continue }
        log.append((step, loss, o["val_loss"] as? Double))
      }
      let audio = FileManager.default.contents(atPath: dir + "/sample.flac").map { [UInt8]($0) } ?? []
      entries.append(Genre(name: name, bigramEntropy: bigram[name] ?? .nan, log: log, sample: piece.score, audio: audio))
    }
    let page = GenreComparisonPage(title: "Twelve genres, one small GPT: \((folder as NSString).lastPathComponent)", genres: entries)
    let path = folder + "/index.html"
    try AtomicFile.write(page.html, to: path)
    return path
  }
}
