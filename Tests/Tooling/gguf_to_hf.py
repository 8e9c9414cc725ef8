#!/usr/bin/env python3
"""Converts the Llama GGUF to Hugging Face-named F32 safetensors with llama.cpp's own `gguf`
package (dequantised by it, q/k rows un-permuted back to Hugging Face order). Test tooling only:
it gives `eigentone compare` a second, independently decoded copy of the same weights.
Usage: gguf_to_hf.py MODEL.gguf OUT.safetensors"""
import sys
import numpy as np
import gguf
from gguf.quants import dequantize
from safetensors.numpy import save_file

reader = gguf.GGUFReader(sys.argv[1])
heads = int(reader.fields["llama.attention.head_count"].contents())
kv_heads = int(reader.fields["llama.attention.head_count_kv"].contents())

def unpermute(w, n):  # the inverse of llama.cpp's Hugging Face → GGUF permutation
    return w.reshape(n, w.shape[0] // n // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)

top = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight"}
sub = {"attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm", "attn_q": "self_attn.q_proj",
       "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
       "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"}
out = {}
for t in reader.tensors:
    a = dequantize(t.data, t.tensor_type).astype(np.float32)
    if t.name.startswith("blk."):
        _, i, part, w = t.name.split(".")
        if part == "attn_q":
            a = unpermute(a, heads)
        if part == "attn_k":
            a = unpermute(a, kv_heads)
        out[f"model.layers.{i}.{sub[part]}.{w}"] = a
    else:
        out[top[t.name]] = a
save_file(out, sys.argv[2])
