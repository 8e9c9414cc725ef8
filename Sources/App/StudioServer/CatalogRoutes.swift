import Checkpoint
import Compose
import Foundation
import Hummingbird
import Pipeline
import Render
import Studio

/// What the page reads to fill its forms: models, genres, renderers, limits, and a model's
/// portrait. Nothing the page offers is written into the page itself.
struct CatalogRoutes<Context: RequestContext>: Sendable {
  let board: JobBoard

  func add(to router: Router<Context>) {
    let board = board
    router.get("/api/models") { _, _ in try JSONBody.response(ModelList(workbench: board.workbench)) }
    router.get("/api/genres") { _, _ in try JSONBody.response(GenreList(board: board)) }
    router.get("/api/renderers") { _, _ in try JSONBody.response(["renderers": RendererChoice.allCases.map(RendererEntry.init)]) }
    router.get("/api/limits") { _, _ in try JSONBody.response(LimitList()) }
    router.get("/api/portrait") { request, _ in
      guard let model = request.uri.queryParameters.get("model") else { throw APIError(.badRequest, "missing ?model=") }
      do throws(PipelineError) {
        try board.workbench.check(model)
      } catch {
        throw APIError(error)
      }
      let summary = try await StudioServer.offThePool { PortraitSummary(model: model, portrait: try board.workbench.portrait(model)) }
      return try JSONBody.response(summary)
    }
  }

  /// `GET /api/models`: the catalogue, and the model a page should preselect (the bundled
  /// default when it is installed, else the first).
  struct ModelList: Encodable {
    var models: [ModelEntry]
    var `default`: String?

    init(workbench: Workbench) {
      models = workbench.catalog.models
      `default` = models.contains { $0.id == ModelResolver.defaultModelName } ? ModelResolver.defaultModelName : models.first?.id
    }
  }

  /// `GET /api/genres`: each genre with its preset's tempo, mode and description, and the
  /// genre compare uses unless told.
  struct GenreList: Encodable {
    struct Genre: Encodable {
      var name: String
      var summary: String
      var tempo: Double?
      var mode: String?
      var description: String?
    }

    var genres: [Genre]
    var compareDefault: String

    enum CodingKeys: String, CodingKey {
      case genres
      case compareDefault = "compare_default"
    }

    init(board: JobBoard) {
      genres = board.context.genres.composers.map { c in
        let preset = try? board.workbench.presets.preset(for: c.genre)
        return Genre(name: c.genre, summary: c.summary, tempo: preset?.tempo, mode: preset.map { "\($0.mode)" }, description: preset?.description)
      }
      compareDefault = CompareJob.defaultGenre
    }
  }

  /// One renderer: its name in requests and a label for people.
  struct RendererEntry: Encodable {
    var name: String
    var label: String
    init(_ renderer: RendererChoice) {
      name = renderer.rawValue
      label = renderer.summary
    }
  }

  /// `GET /api/limits`, from ``Limits``.
  struct LimitList: Encodable {
    struct Range: Encodable {
      var min: Double
      var max: Double
    }

    var tempo = Range(min: Limits.tempo.lowerBound, max: Limits.tempo.upperBound)
    var promptBytes = Limits.promptBytes
    var promptTokens = Limits.promptTokens
    var requestBodyBytes = Limits.requestBodyBytes
    var sonifyTempo = Limits.sonifyTempo

    enum CodingKeys: String, CodingKey {
      case tempo
      case promptBytes = "prompt_bytes"
      case promptTokens = "prompt_tokens"
      case requestBodyBytes = "request_body_bytes"
      case sonifyTempo = "sonify_tempo"
    }
  }
}
