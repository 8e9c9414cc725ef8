#!/usr/bin/env python3
"""Independent reference for the byte-level BPE tokenizer (test tooling only).

Usage: tokenizer_reference.py MODEL.gguf OUT_tokenizer.json TEXTS.json
Reads the vocabulary and merges from a GGUF file's metadata with llama.cpp's `gguf` package,
writes them as a Hugging Face tokenizer.json with the pre-tokenizer that GGUF's
`tokenizer.ggml.pre` names (smollm: Digits(individual) + ByteLevel; gpt2: ByteLevel), and
prints, as JSON, the ids that Hugging Face's `tokenizers` library (Rust) gives each text.
"""
import json, sys
import gguf
from tokenizers import Tokenizer

reader = gguf.GGUFReader(sys.argv[1])
def field(name):
    f = reader.fields[name]
    return f.contents()
tokens = field("tokenizer.ggml.tokens")
merges = field("tokenizer.ggml.merges")
types = field("tokenizer.ggml.token_type")
pre = field("tokenizer.ggml.pre") if "tokenizer.ggml.pre" in reader.fields else "default"
byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
if pre == "smollm":
    pre_tokenizer = {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": True}, byte_level]}
else:
    pre_tokenizer = byte_level
added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
         for i, (t, k) in enumerate(zip(tokens, types)) if k in (3, 4)]
spec = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
    "pre_tokenizer": pre_tokenizer, "post_processor": None,
    "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
              "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges},
}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(spec, f, ensure_ascii=False)
tok = Tokenizer.from_file(sys.argv[2])
texts = json.load(open(sys.argv[3], encoding="utf-8"))
print(json.dumps([tok.encode(t, add_special_tokens=False).ids for t in texts]))
