public import Foundation
public import ScoreReaders
import Synchronization

/// A genre's pieces, read (or generated) and in a fixed order.
public struct GenreCorpus: Sendable {
  public var genre: MusicGenre
  public var pieces: [Piece]
  /// Files or tunes that could not be read, each with its one-line reason.
  public var skipped: [ScoreReadError]

  /// Reads every file of the genre on all cores (or generates its pieces). `progress` is
  /// called with files done and the total, from any thread.
  public static func load(
    _ genre: MusicGenre, from location: CorpusLocation, progress: @Sendable (Int, Int) -> Void = { _, _ in }
  ) throws(CorpusError) -> GenreCorpus {
    switch genre.source {
    case .generated(let count):
      let pieces = (0..<count).compactMap { GenreGenerator.piece(genre, index: $0) }
      progress(count, count)
      return GenreCorpus(genre: genre, pieces: pieces, skipped: [])
    case .music21:
      let files = try location.files(for: genre)
      let results = Mutex<[Int: Result<ReadOutcome, ScoreReadError>]>([:])
      let done = Atomic<Int>(0)
      let root = location.music21
      DispatchQueue.concurrentPerform(iterations: files.count) { i in
        let result: Result<ReadOutcome, ScoreReadError>
        do throws(ScoreReadError) {
          result = .success(try ScoreFile.read(root + "/" + files[i], id: files[i]))
        } catch {
          result = .failure(error)
        }
        results.withLock { $0[i] = result }
        let n = done.add(1, ordering: .relaxed).newValue
        progress(n, files.count)
      }
      var corpus = GenreCorpus(genre: genre, pieces: [], skipped: [])
      let all = results.withLock { $0 }
      for i in files.indices {
        switch all[i] {
        case .success(let outcome):
          corpus.pieces += outcome.pieces
          corpus.skipped += outcome.skipped
        case .failure(let error): corpus.skipped.append(error)
        case nil: break
        }
      }
      return corpus
    }
  }
}

extension GenreCorpus {
  /// Piece `index` (0-based) of a generated genre (atonal, metal, rock, pop, rap), made on the
  /// spot; nil for a genre read from files or an index past its count.
  public static func generatedPiece(_ genre: MusicGenre, index: Int) -> Piece? {
    guard case .generated(let count) = genre.source, index >= 0, index < count else { return nil }
    return GenreGenerator.piece(genre, index: index)
  }
}
