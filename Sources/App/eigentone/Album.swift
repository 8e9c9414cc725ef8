import ArgumentParser

extension Eigentone {
  /// `eigentone album`: prompts' tension along a contrast direction, as music.
  struct Album: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The activation album: how far prompts lean along a contrast direction (harmful − harmless by default), layer by layer, as music.",
      discussion: """
        Each prompt is wrapped in the model's chat template, run once, and read at its instruction \
        and closing tokens (the first token and massive-activation positions, > 50× the prompt's \
        median norm, are left out and reported). Tension is the projection of the residual stream \
        after each block on that layer's unit direction, as a z-score against the negative set's \
        projections there (never min–max over one prompt). A clarinet plays one note per token at \
        the chosen layer (pitch and loudness from tension, length from how widely the token \
        attends), strings one chord per layer, an organ the layers above the reference range \
        (z > 1), a celesta the tokens with the sparsest MLP. Mode and tempo follow the prompt's \
        tension (phrygian above 3, dorian above 1.5). On SmolLM2-135M-Instruct the default \
        direction is a content direction, not a refusal direction: the model refuses none of the \
        100 behaviours.
        """,
      subcommands: [Solo.self, Contrast.self, Dialogue.self, Tracks.self, Compare.self])
  }
}
