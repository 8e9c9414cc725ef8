#!/usr/bin/env python3
"""Test tooling only: an independent Gemma 3 forward pass in numpy (float64) on a GGUF file.

Usage: gemma_reference.py MODEL.gguf ID ID ...
Dequantizes every tensor with llama.cpp's gguf package (Q4_K, Q5_0, Q6_K, Q8_0, F32) and runs
Gemma 3 as llama.cpp's `gemma3` graph defines it for GGUF: embeddings × √hidden; per block
RMSNorm (eps from the file; the converter already added 1 to the gains), q/k/v, q and k
RMS-normalised per head, NEOX RoPE (rotate half; base rope.freq_base on global layers, 10,000 on
sliding-window layers), attention scaled by 1/√head_dim with a sliding window of
attention.sliding_window keys on local layers (every 6th layer, 1-based, is global), the
output projection RMS-normalised and added, RMSNorm → GELU(tanh)(gate) · up → down, RMS-normalised
and added; the final norm and the tied embedding. Prints one JSON object: next_token (the ten
likeliest after the last id, {id, probability}), attention [layer][head][query][key] and
logit_lens [layer][position] {id, probability} (the final norm on each layer's residual)."""
import json, sys
import numpy as np
import gguf

path, ids = sys.argv[1], [int(x) for x in sys.argv[2:]]
reader = gguf.GGUFReader(path)
fields = reader.fields


def field(name, default=None):
    f = fields.get(f"gemma3.{name}")
    return default if f is None else f.parts[-1][0].item()


tensors = {t.name: t for t in reader.tensors}


def weight(name):
    t = tensors[name]
    shape = [int(x) for x in reversed(t.shape)] if len(t.shape) > 1 else [int(t.shape[0])]
    return np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float64).reshape(shape)


L, H, G = field("block_count"), field("attention.head_count"), field("attention.head_count_kv")
D, eps = field("attention.key_length"), field("attention.layer_norm_rms_epsilon")
base, window = field("rope.freq_base"), field("attention.sliding_window")
E = weight("token_embd.weight")
d = E.shape[1]


def rms(x, g):
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * g


def rope_half(x, heads, theta):
    T = x.shape[0]
    x = x.reshape(T, heads, D)
    ang = np.arange(T)[:, None] * (theta ** (-np.arange(0, D, 2) / D))[None, :]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    a, b = x[..., : D // 2], x[..., D // 2:]
    return np.concatenate([a * c - b * s, b * c + a * s], -1).reshape(T, heads * D)


def softmax(z):
    z = np.exp(z - z.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


T = len(ids)
x = E[ids] * np.sqrt(d)
states, attention = [], []
pos = np.arange(T)
for i in range(L):
    p = f"blk.{i}."
    is_global = (i + 1) % 6 == 0
    theta = base if is_global else 10000.0
    h = rms(x, weight(p + "attn_norm.weight"))
    q = rms((h @ weight(p + "attn_q.weight").T).reshape(T, H, D), weight(p + "attn_q_norm.weight")).reshape(T, H * D)
    k = rms((h @ weight(p + "attn_k.weight").T).reshape(T, G, D), weight(p + "attn_k_norm.weight")).reshape(T, G * D)
    v = h @ weight(p + "attn_v.weight").T
    q = rope_half(q, H, theta).reshape(T, H, D).transpose(1, 0, 2)
    k = rope_half(k, G, theta).reshape(T, G, D).transpose(1, 0, 2).repeat(H // G, axis=0)
    v = v.reshape(T, G, D).transpose(1, 0, 2).repeat(H // G, axis=0)
    mask = pos[None, :] <= pos[:, None]
    if not is_global:
        mask &= pos[:, None] - pos[None, :] < window
    pr = softmax(np.where(mask, q @ k.transpose(0, 2, 1) / np.sqrt(D), -np.inf))
    attention.append(pr.tolist())
    o = (pr @ v).transpose(1, 0, 2).reshape(T, H * D) @ weight(p + "attn_output.weight").T
    x = x + rms(o, weight(p + "post_attention_norm.weight"))
    h2 = rms(x, weight(p + "ffn_norm.weight"))
    a = gelu_tanh(h2 @ weight(p + "ffn_gate.weight").T) * (h2 @ weight(p + "ffn_up.weight").T)
    x = x + rms(a @ weight(p + "ffn_down.weight").T, weight(p + "post_ffw_norm.weight"))
    states.append(x.copy())
norm = weight("output_norm.weight")
out = weight("output.weight") if "output.weight" in tensors else E
lens = [softmax(rms(s, norm) @ out.T) for s in states]
final = lens[-1][-1]
print(json.dumps({
    "next_token": [{"id": int(i), "probability": float(final[i])} for i in np.argsort(-final, kind="stable")[:10]],
    "attention": attention,
    "logit_lens": [[{"id": int(p[t].argmax()), "probability": float(p[t].max())} for t in range(T)] for p in lens],
}))
