#!/usr/bin/env python3
"""Test tooling only: an independent Llama forward pass in numpy (float64) on a GGUF file, for
`eigentone report`'s numbers.

Usage: llama_reference.py MODEL.gguf REPORT.json
       llama_reference.py --direction MODEL.gguf DIRECTION.json
       llama_reference.py --greedy MODEL.gguf N ID ID ...   (N greedy tokens, a full pass each)
       llama_reference.py --sparsity MODEL.gguf ID ID ...   (per block and token: the fraction of the MLP's
                          gated activations silu(gate)·up below a tenth of their root mean square)
Reads the prompt's ids and the embedding figure's shown ids from the report's JSON, dequantizes
every tensor with llama.cpp's own gguf package (gguf.quants.dequantize: Q4_1, Q8_0, F32), runs
the Llama block as llama.cpp defines it for GGUF (RMSNorm, q/k rows stored permuted for RoPE on
adjacent pairs, grouped-query attention, SwiGLU, the output tied to token_embd when there is no
output.weight) and prints one JSON object:
  attention    [layer][head][query][key]
  logit_lens   [layer][position] {id, probability, answer_probability} (the final norm applied to
               each layer's residual with that residual's own statistics, then the unembedding)
  next_token   [position][10] {id, probability}
  pca_explained, pca   the explained-variance shares of the first two principal axes of the token
               embedding (numpy SVD of the centred matrix; rows i·V//8192 for a vocabulary over
               8,192, as the report documents) and the coordinates of the shown ids, each axis signed so its largest-magnitude loading is positive."""
import json, sys
import numpy as np
import gguf

direction_mode = sys.argv[1] == "--direction"
greedy_mode = sys.argv[1] == "--greedy"
sparsity_mode = sys.argv[1] == "--sparsity"
args = sys.argv[2:] if direction_mode or greedy_mode or sparsity_mode else sys.argv[1:]
path = args[0]
report = {} if greedy_mode or sparsity_mode else json.load(open(args[1]))
ids = [int(x) for x in args[2:]] if greedy_mode else [int(x) for x in args[1:]] if sparsity_mode else report.get("ids", [])
reader = gguf.GGUFReader(path)
arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()


def field(name, default=None):
    f = reader.fields.get(f"{arch}.{name}")
    return default if f is None else f.parts[-1][0].item()


tensors = {t.name: t for t in reader.tensors}


cache = {}


def weight(name):
    if name in cache:
        return cache[name]
    t = tensors[name]
    cache[name] = np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float64).reshape(
        [int(x) for x in reversed(t.shape)] if len(t.shape) > 1 else [int(t.shape[0])])
    return cache[name]


L, H = field("block_count"), field("attention.head_count")
G = field("attention.head_count_kv", H)
eps, base = field("attention.layer_norm_rms_epsilon", 1e-5), field("rope.freq_base", 10000.0)
E = weight("token_embd.weight")
d = E.shape[1]
D = d // H
out_w = weight("output.weight") if "output.weight" in tensors else E


def rms(x, g):
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * g


def rope_pairs(x, heads):  # llama.cpp's "normal" RoPE: dimensions (2i, 2i+1) rotate together
    T = x.shape[0]
    x = x.reshape(T, heads, D // 2, 2)
    ang = np.arange(T)[:, None] * (base ** (-np.arange(0, D, 2) / D))[None, :]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    a, b = x[..., 0], x[..., 1]
    return np.stack([a * c - b * s, a * s + b * c], -1).reshape(T, heads * D)


def softmax(z):
    z = np.exp(z - z.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


sparsity = []


def forward(ids):
    T = len(ids)
    x = E[ids].copy()
    states, attention = [], []
    sparsity.clear()
    mask = np.tril(np.ones((T, T), bool))
    for i in range(L):
        p = f"blk.{i}."
        h = rms(x, weight(p + "attn_norm.weight"))
        q = rope_pairs(h @ weight(p + "attn_q.weight").T, H).reshape(T, H, D).transpose(1, 0, 2)
        k = rope_pairs(h @ weight(p + "attn_k.weight").T, G).reshape(T, G, D).transpose(1, 0, 2).repeat(H // G, axis=0)
        v = (h @ weight(p + "attn_v.weight").T).reshape(T, G, D).transpose(1, 0, 2).repeat(H // G, axis=0)
        pr = softmax(np.where(mask, q @ k.transpose(0, 2, 1) / np.sqrt(D), -np.inf))
        attention.append(pr.tolist())
        x = x + (pr @ v).transpose(1, 0, 2).reshape(T, d) @ weight(p + "attn_output.weight").T
        h2 = rms(x, weight(p + "ffn_norm.weight"))
        g = h2 @ weight(p + "ffn_gate.weight").T
        a = (g / (1 + np.exp(-g))) * (h2 @ weight(p + "ffn_up.weight").T)
        sparsity.append((np.abs(a) < 0.1 * np.sqrt((a ** 2).mean(-1, keepdims=True))).mean(-1).tolist())
        x = x + a @ weight(p + "ffn_down.weight").T
        states.append(x.copy())
    return states, attention


if sparsity_mode:
    forward(ids)
    print(json.dumps({"sparsity": sparsity}))
    sys.exit(0)

if greedy_mode:
    out, sequence = [], list(ids)
    for _ in range(int(args[1])):
        states, _ = forward(sequence)
        logits = rms(states[-1][-1], weight("output_norm.weight")) @ out_w.T
        sequence.append(int(np.argmax(logits)))
        out.append(sequence[-1])
    print(json.dumps({"ids": out}))
    sys.exit(0)

if direction_mode:
    sums = {"positive": None, "negative": None}
    counts = {"positive": 0, "negative": 0}
    for prompt in report["prompts"]:
        states, _ = forward(prompt["ids"])
        means = np.stack([s[prompt["positions"]].mean(0) for s in states])
        sums[prompt["set"]] = means if sums[prompt["set"]] is None else sums[prompt["set"]] + means
        counts[prompt["set"]] += 1
    diff = sums["positive"] / counts["positive"] - sums["negative"] / counts["negative"]
    print(json.dumps({"directions": (diff / np.linalg.norm(diff, axis=1, keepdims=True)).tolist()}))
    sys.exit(0)

T = len(ids)
states, attention = forward(ids)
norm = weight("output_norm.weight")
lens = [softmax(rms(s, norm) @ out_w.T) for s in states]
final = lens[-1]
result = {
    "attention": attention,
    "logit_lens": [[{"id": int(p[t].argmax()), "probability": float(p[t].max()),
                     "answer_probability": float(p[t][final[t].argmax()])} for t in range(T)] for p in lens],
    "next_token": [[{"id": int(i), "probability": float(final[t][i])} for i in np.argsort(-final[t], kind="stable")[:10]]
                   for t in range(T)],
}
V = E.shape[0]
fitted = E[[i * V // 8192 for i in range(8192)]] if V > 8192 else E  # the report's documented sample
mean = fitted.mean(0)
_, s, vt = np.linalg.svd(fitted - mean, full_matrices=False)
axes = vt[:2] * np.sign(vt[:2][np.arange(2), np.abs(vt[:2]).argmax(1)])[:, None]
result["pca_explained"] = (s[:2] ** 2 / (s ** 2).sum()).tolist()
result["pca"] = ((E[report["embedding"]["ids"]] - mean) @ axes.T).tolist()
print(json.dumps(result))
