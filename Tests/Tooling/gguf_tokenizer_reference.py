#!/usr/bin/env python3
"""Independent reference for the SentencePiece-style tokenizer (test tooling only).

Usage: gguf_tokenizer_reference.py MODEL.gguf TEXTS.json
Loads the tokenizer of a GGUF file with Hugging Face transformers (AutoTokenizer with gguf_file:
its GGUF converter turns the vocabulary and scores into a `tokenizers` BPE with byte fallback)
and prints, as JSON, the ids it gives each text (with the BOS token it adds)."""
import json, os, sys
from transformers import AutoTokenizer

path = os.path.abspath(sys.argv[1])
tokenizer = AutoTokenizer.from_pretrained(os.path.dirname(path), gguf_file=os.path.basename(path))
texts = json.load(open(sys.argv[2]))
print(json.dumps([tokenizer(t)["input_ids"] for t in texts]))
