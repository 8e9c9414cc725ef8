#!/usr/bin/env python3
"""PyTorch reference forward pass for the benchmark (benchmark tooling only): the Llama
architecture written with torch ops (RMSNorm, rotate-half RoPE, grouped-query attention via
scaled_dot_product_attention, SwiGLU), on the same f32 safetensors Eigentone reads.
Usage: forward-vs-pytorch.py MODEL_DIR TOKENIZER_JSON PROMPT REPEATS -> JSON {seconds, tokens, top}"""
import json, sys, time
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Tokenizer

folder, tok_path, prompt, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cfg = json.load(open(f"{folder}/config.json"))
w = load_file(f"{folder}/model.safetensors")
L, d, H, G = cfg["num_hidden_layers"], cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
D, eps, base = d // H, cfg["rms_norm_eps"], cfg["rope_theta"]
ids = Tokenizer.from_file(tok_path).encode(prompt, add_special_tokens=False).ids
torch.set_num_threads(2)

def rms(x, g):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g

def rope(x, n):
    T = x.shape[0]
    x = x.view(T, n, D)
    inv = base ** (-torch.arange(0, D, 2, dtype=torch.float64) / D)
    ang = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos()] * 2, -1).float()[:, None, :]
    sin = torch.cat([ang.sin()] * 2, -1).float()[:, None, :]
    rot = torch.cat([-x[..., D // 2:], x[..., : D // 2]], -1)
    return (x * cos + rot * sin)

@torch.inference_mode()
def forward(tokens):
    T = len(tokens)
    x = w["model.embed_tokens.weight"][tokens]
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"])
        q = rope(h @ w[p + "self_attn.q_proj.weight"].T, H).transpose(0, 1)
        k = rope(h @ w[p + "self_attn.k_proj.weight"].T, G).transpose(0, 1).repeat_interleave(H // G, 0)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, G, D).transpose(0, 1).repeat_interleave(H // G, 0)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(0, 1).reshape(T, d)
        x = x + a @ w[p + "self_attn.o_proj.weight"].T
        h2 = rms(x, w[p + "post_attention_layernorm.weight"])
        x = x + (F.silu(h2 @ w[p + "mlp.gate_proj.weight"].T) * (h2 @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    return rms(x[-1], w["model.norm.weight"]) @ w["model.embed_tokens.weight"].T

forward(ids)  # warm-up
best = float("inf")
for _ in range(repeats):
    s = time.perf_counter(); logits = forward(ids); best = min(best, time.perf_counter() - s)
print(json.dumps({"seconds": best, "tokens": len(ids), "top": int(logits.argmax())}))
