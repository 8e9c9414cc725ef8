// SplitMix64 lives in SeededRandom (Support); every user of the corpora draws from it.
@_exported public import SeededRandom
