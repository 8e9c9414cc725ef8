import Tokenizer

/// A prompt wrapped in a model's chat template and tokenised, with the positions that matter
/// to a contrast direction: the instruction's tokens and the closing tokens after it (the
/// template's end of turn and the assistant's opening; with no template, the last token).
struct TemplatedPrompt: Sendable, Hashable {
  var text: String
  var ids: [Int]
  /// The user's instruction (after the template's opening, system turn included).
  var instruction: Range<Int>
  /// The tokens after the instruction, which a direction averages.
  var closing: Range<Int>

  /// The positions the album scores: the instruction and the closing tokens.
  var scored: [Int] { Array(instruction.lowerBound..<closing.upperBound) }

  init(_ prompt: String, template: ChatTemplate, tokenizer: BytePairTokenizer) throws(PipelineError) {
    let (wrapped, after) = template.wrap(prompt)
    let ids = tokenizer.encode(wrapped)
    guard ids.count <= Limits.promptTokens else { throw .tooLarge("a prompt has \(ids.count) tokens; at most \(Limits.promptTokens)") }
    guard !ids.isEmpty else { throw .badRequest("a prompt makes no tokens") }
    let bos = tokenizer.beginningOfText == nil ? 0 : 1
    // The closing tokens: as many as the text after the instruction makes on its own.
    let tail = after.isEmpty ? 1 : max(1, tokenizer.encode(after).count - bos)
    let closingStart = ids.count - min(tail, ids.count)
    // The instruction starts where the template's opening stops matching the prompt's tokens.
    let headBytes = wrapped.utf8.count - prompt.utf8.count - after.utf8.count
    let head = tokenizer.encode(String(decoding: wrapped.utf8.prefix(headBytes), as: UTF8.self))
    var start = 0
    while start < min(head.count, closingStart), head[start] == ids[start] { start += 1 }
    self.text = wrapped
    self.ids = ids
    self.instruction = min(start, closingStart)..<closingStart
    self.closing = closingStart..<ids.count
  }
}
