public import Foundation
public import Pipeline
public import Compose

/// A studio request as its JSON body: decoded from a `POST`, then turned into the pipeline
/// request the command line would make, with its files in the job's folder. The studio holds
/// no pipeline of its own.
public protocol StudioJob: Decodable, Sendable {
  associatedtype Request: PipelineRequest
  /// The pipeline request this body asks for, writing into `folder` (which exists and is
  /// empty when it runs). Throws for values that cannot be parsed (an unknown genre, a key
  /// that is not a key).
  func request(in folder: URL, context: JobContext) throws(PipelineError) -> Request
}

/// What the studio adds to every request: its genres and the size of its reference corpus.
public struct JobContext: Sendable {
  public var genres: GenreRegistry
  /// WordNet sentences the activation maps are fitted on (`serve --corpus-size`).
  public var corpusSize: Int

  public init(genres: GenreRegistry = .standard, corpusSize: Int = Limits.defaultCorpusSize) {
    self.genres = genres
    self.corpusSize = corpusSize
  }
}

extension StudioJob {
  /// `compose`, `compare`, `sonify`: the route and the job-id prefix.
  public static var kind: String { Request.kind }
}

extension Check {
  /// The composer of a genre named in a request.
  public static func genre(_ name: String, in genres: GenreRegistry) throws(PipelineError) -> any Composer.Type {
    guard let composer = genres.composer(named: name) else { throw .unknownGenre(String(name.prefix(100)), known: genres.names) }
    return composer
  }
}
