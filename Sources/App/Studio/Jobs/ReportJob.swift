public import Foundation
public import Pipeline
import Checkpoint

/// `POST /api/report` `{"prompt", "model", "seed"}`: a ``ReportRequest`` writing the page
/// (`report.html`, the studio's "Look inside" view shows it) and its numbers (`report.json`).
public struct ReportJob: StudioJob {
  public var prompt: String
  public var model: String
  public var seed: UInt64

  public init(prompt: String, model: String, seed: UInt64 = ReportSamples.seed) {
    self.prompt = prompt
    self.model = model
    self.seed = seed
  }

  enum CodingKeys: String, CodingKey { case prompt, model, seed }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    prompt = try c.decode(String.self, forKey: .prompt)
    model = try c.decodeIfPresent(String.self, forKey: .model) ?? ModelResolver.defaultModelName
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? ReportSamples.seed
  }

  public func request(in folder: URL, context: JobContext) throws(PipelineError) -> ReportRequest {
    ReportRequest(
      model: model, prompt: .text(prompt), seed: seed, output: folder.appendingPathComponent("report.html").path,
      json: folder.appendingPathComponent("report.json").path)
  }
}
