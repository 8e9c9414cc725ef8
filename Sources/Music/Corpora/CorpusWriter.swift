import AtomicFile
public import Foundation
public import MusicTokens

/// Writes a tokenized corpus for training: per genre, `train.tokens` and `validation.tokens`
/// (the pieces' ids one after another, each piece BOS … EOS, as little-endian UInt16) and
/// `manifest.json` (vocabulary, summary, and every piece's id, split, offset and length in its
/// file, and what was skipped); plus `vocabulary.json` (the grid, the genres and every id's
/// name) beside the genre folders. Every file is written atomically.
public enum CorpusWriter {
  public struct Manifest: Codable, Sendable {
    public struct PieceEntry: Codable, Sendable {
      public var id: String
      public var split: CorpusSplit
      /// Index of the piece's first id in its split's file.
      public var offset: Int
      public var tokens: Int
      public var notes: Int
    }
    public var genre: String
    public var vocabulary: EventVocabulary
    public var summary: CorpusSummary
    public var trainTokens: Int
    public var validationTokens: Int
    public var pieces: [PieceEntry]
    public var skipped: [String]

    enum CodingKeys: String, CodingKey {
      case genre, vocabulary, summary, pieces, skipped
      case trainTokens = "train_tokens"
      case validationTokens = "validation_tokens"
    }
  }

  /// Writes `corpus` into `folder/<genre>/`; returns its manifest.
  @discardableResult
  public static func write(_ corpus: TokenizedCorpus, skipped: [String], to folder: String) throws(CorpusError) -> Manifest {
    let dir = folder + "/" + corpus.genre.rawValue
    var train: [UInt8] = []
    var validation: [UInt8] = []
    var entries: [Manifest.PieceEntry] = []
    for e in corpus.entries {
      let offset = (e.split == .train ? train.count : validation.count) / 2
      var bytes: [UInt8] = []
      bytes.reserveCapacity(e.ids.count * 2)
      for id in e.ids {
        let v = UInt16(id)
        bytes.append(UInt8(v & 0xFF))
        bytes.append(UInt8(v >> 8))
      }
      if e.split == .train { train += bytes } else { validation += bytes }
      entries.append(Manifest.PieceEntry(id: e.id, split: e.split, offset: offset, tokens: e.ids.count, notes: e.notes))
    }
    let manifest = Manifest(
      genre: corpus.genre.rawValue, vocabulary: corpus.vocabulary, summary: corpus.summary, trainTokens: train.count / 2,
      validationTokens: validation.count / 2, pieces: entries, skipped: skipped)
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try AtomicFile.write(train, to: dir + "/train.tokens")
      try AtomicFile.write(validation, to: dir + "/validation.tokens")
      try AtomicFile.write(Array(try encoder.encode(manifest)), to: dir + "/manifest.json")
      try AtomicFile.write(Array(try encoder.encode(VocabularyFile(corpus.vocabulary))), to: folder + "/vocabulary.json")
    } catch {
      throw .write("cannot write \(dir): \(error)")
    }
    return manifest
  }

  static var encoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return e
  }
}
