import Checkpoint
import Foundation
import Inference
import MusicTokens
import Testing
import Training
import _TestSupport

/// A trained model's folder is a GPT-2 checkpoint: Eigentone's own inference pass and Hugging
/// Face transformers read it and compute what the trainer computes.
@Suite("Trained model folders")
struct ModelFolderTests {
  static let config = GPTConfig(layers: 2, width: 64, heads: 4, context: 128, vocabulary: 291)

  /// A model with weights large enough to give varied logits, written to a folder.
  static func folder() throws -> (TemporaryDirectory, GPT<Float>) {
    let dir = TemporaryDirectory()
    let model = GPT<Float>(config: config, maxBatch: 1)
    model.initialize(seed: 11)
    model.parameters = model.parameters.enumerated().map { i, v in v * 8 + 0.01 * Float(sin(Double(i))) }
    try ModelFolder.write(parameters: model.parameters, layout: model.layout, config: config, vocabulary: EventVocabulary(), to: dir.path)
    return (dir, model)
  }

  static let ids: [Int] = (0..<100).map { (($0 * 37 + 11) % 290) + 1 }

  /// The trainer's forward pass and the GPT-2 inference pass give the same next-token logits.
  @Test func trainerAndInferenceAgree() throws {
    let (dir, model) = try Self.folder()
    let checkpoint = try ModelResolver(environment: [:]).openPath(dir.path)
    let lm = try LanguageModel(checkpoint: checkpoint)
    #expect(lm.architecture == .gpt2)
    let pass = try lm.forward(Self.ids)
    let tokens = Self.ids.map(Int32.init)
    tokens.withUnsafeBufferPointer { t in _ = model.forward(tokens: t.baseAddress!, targets: nil, batch: 1, time: tokens.count) }
    let ours = Array(model.logits(row: tokens.count - 1))
    #expect(ours.count == pass.logits.count)
    let scale = ours.map { abs($0) }.max() ?? 1
    let worst = zip(ours, pass.logits).map { abs($0 - $1) }.max() ?? .infinity
    #expect(scale > 1, "logits too small to compare: \(scale)")
    #expect(worst <= 1e-4 * max(1, scale), "max difference \(worst) at logit scale \(scale)")
  }

  /// An independent GPT-2 (numpy, float64, from the folder's files; and Hugging Face
  /// transformers loading the folder unchanged, where torch is installed) gives the trainer's
  /// loss for the same ids (relative difference ≤ 1e-4) and its logits.
  @Test func referenceComputesTheSameLoss() throws {
    let (dir, model) = try Self.folder()
    let reference = try CommandRunner.pythonJSON("gpt2_reference.py", [dir.path] + Self.ids.map(String.init))
    let (sum, count) = Evaluation.sequenceLoss(model: model, ids: Self.ids)
    let ours = sum / Double(count)
    #expect(count == Self.ids.count - 1)
    Self.ids.map(Int32.init).withUnsafeBufferPointer { t in _ = model.forward(tokens: t.baseAddress!, targets: nil, batch: 1, time: Self.ids.count) }
    let last = Array(model.logits(row: Self.ids.count - 1)).map(Double.init)
    for prefix in ["", "transformers_"] {
      guard let theirs = reference[prefix + "loss"] as? Double else {
        #expect(prefix == "transformers_", "the numpy reference gave no loss")
        continue
      }
      #expect(abs(ours - theirs) <= 1e-4 * abs(theirs), "\(prefix)loss: eigentone \(ours), reference \(theirs)")
      let logits = try #require(reference[prefix + "last_logits"] as? [Double])
      let worst = zip(last, logits).map { abs($0 - $1) }.max() ?? .infinity
      #expect(worst <= 1e-4 * max(1, logits.map(abs).max() ?? 1), "\(prefix)logits differ by \(worst)")
    }
  }
}
