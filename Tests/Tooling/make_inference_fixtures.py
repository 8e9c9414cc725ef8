#!/usr/bin/env python3
"""Writes the forward-pass fixtures (test tooling only): tiny random GPT-2 and Llama models and
the hidden states, attention and logits that independent numpy implementations compute for a
fixed prompt. The Swift forward pass must match them to 1e-4 relative.

  gpt2-tiny/model.safetensors + config.json   GPT-2 names, Conv1D layout, learned positions
  llama-tiny/model.safetensors + config.json  Hugging Face Llama names (rotate-half RoPE)
  llama-tiny.gguf                             the same weights as llama.cpp stores them (q/k rows
                                              permuted for its interleaved RoPE), written by gguf-py
  expected.json                               per model: tokens, hidden_states, attention, logits

Usage: make_inference_fixtures.py OUT_DIR"""
import json, os, sys
import numpy as np
import gguf
from safetensors.numpy import save_file

out = sys.argv[1]
rng = np.random.default_rng(20261122)
tokens = [3, 17, 42, 5, 60, 8, 33]

def gelu_new(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)

def causal_attention(q, k, v, heads, kv_heads):
    T, D = q.shape[0], q.shape[1] // heads
    q = q.reshape(T, heads, D).transpose(1, 0, 2)
    k = k.reshape(T, kv_heads, D).transpose(1, 0, 2).repeat(heads // kv_heads, axis=0)
    v = v.reshape(T, kv_heads, D).transpose(1, 0, 2).repeat(heads // kv_heads, axis=0)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(D)
    s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
    p = softmax(s)
    return (p @ v).transpose(1, 0, 2).reshape(T, heads * D), p

# ---- GPT-2 ------------------------------------------------------------------------------------
d, H, L, V, P = 16, 4, 2, 64, 32
w = {"wte.weight": rng.normal(0, 0.5, (V, d)), "wpe.weight": rng.normal(0, 0.2, (P, d)),
     "ln_f.weight": 1 + rng.normal(0, 0.1, d), "ln_f.bias": rng.normal(0, 0.1, d)}
for i in range(L):
    p = f"h.{i}."
    w[p + "ln_1.weight"] = 1 + rng.normal(0, 0.1, d); w[p + "ln_1.bias"] = rng.normal(0, 0.1, d)
    w[p + "attn.c_attn.weight"] = rng.normal(0, 0.3, (d, 3 * d)); w[p + "attn.c_attn.bias"] = rng.normal(0, 0.1, 3 * d)
    w[p + "attn.c_proj.weight"] = rng.normal(0, 0.3, (d, d)); w[p + "attn.c_proj.bias"] = rng.normal(0, 0.1, d)
    w[p + "ln_2.weight"] = 1 + rng.normal(0, 0.1, d); w[p + "ln_2.bias"] = rng.normal(0, 0.1, d)
    w[p + "mlp.c_fc.weight"] = rng.normal(0, 0.3, (d, 4 * d)); w[p + "mlp.c_fc.bias"] = rng.normal(0, 0.1, 4 * d)
    w[p + "mlp.c_proj.weight"] = rng.normal(0, 0.3, (4 * d, d)); w[p + "mlp.c_proj.bias"] = rng.normal(0, 0.1, d)
w = {k: v.astype(np.float32) for k, v in w.items()}

def layer_norm(x, g, b, eps=1e-5):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b

x = (w["wte.weight"][tokens] + w["wpe.weight"][: len(tokens)]).astype(np.float64)
states, attn = [x.copy()], []
for i in range(L):
    p = f"h.{i}."
    h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"])
    qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
    a, pr = causal_attention(qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:], H, H)
    attn.append(pr)
    x = x + a @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
    h2 = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"])
    x = x + gelu_new(h2 @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    states.append(x.copy())
logits = layer_norm(x[-1], w["ln_f.weight"], w["ln_f.bias"]) @ w["wte.weight"].T
os.makedirs(f"{out}/gpt2-tiny", exist_ok=True)
save_file(w, f"{out}/gpt2-tiny/model.safetensors")
json.dump({"model_type": "gpt2", "n_layer": L, "n_embd": d, "n_head": H, "n_positions": P, "vocab_size": V},
          open(f"{out}/gpt2-tiny/config.json", "w"))
expected = {"gpt2": {"tokens": tokens, "hidden_states": [s.ravel().tolist() for s in states],
                     "attention": [a.ravel().tolist() for a in attn], "logits": logits.tolist()}}

# ---- Llama ------------------------------------------------------------------------------------
d, H, G, L, V, F, base, eps = 32, 4, 2, 2, 64, 48, 10000.0, 1e-5
D = d // H
w = {"model.embed_tokens.weight": rng.normal(0, 0.5, (V, d)), "model.norm.weight": 1 + rng.normal(0, 0.1, d),
     "lm_head.weight": rng.normal(0, 0.3, (V, d))}
for i in range(L):
    p = f"model.layers.{i}."
    w[p + "input_layernorm.weight"] = 1 + rng.normal(0, 0.1, d)
    w[p + "self_attn.q_proj.weight"] = rng.normal(0, 0.3, (H * D, d))
    w[p + "self_attn.k_proj.weight"] = rng.normal(0, 0.3, (G * D, d))
    w[p + "self_attn.v_proj.weight"] = rng.normal(0, 0.3, (G * D, d))
    w[p + "self_attn.o_proj.weight"] = rng.normal(0, 0.3, (d, H * D))
    w[p + "post_attention_layernorm.weight"] = 1 + rng.normal(0, 0.1, d)
    w[p + "mlp.gate_proj.weight"] = rng.normal(0, 0.3, (F, d))
    w[p + "mlp.up_proj.weight"] = rng.normal(0, 0.3, (F, d))
    w[p + "mlp.down_proj.weight"] = rng.normal(0, 0.3, (d, F))
w = {k: v.astype(np.float32) for k, v in w.items()}

def rms(x, g):
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * g

def rope_half(x, heads):  # Hugging Face rotate_half
    T = x.shape[0]
    x = x.reshape(T, heads, D)
    inv = base ** (-np.arange(0, D, 2) / D)
    ang = np.arange(T)[:, None] * inv[None, :]
    cos = np.concatenate([np.cos(ang)] * 2, -1)[:, None, :]
    sin = np.concatenate([np.sin(ang)] * 2, -1)[:, None, :]
    rot = np.concatenate([-x[..., D // 2:], x[..., : D // 2]], -1)
    return (x * cos + rot * sin).reshape(T, heads * D)

x = w["model.embed_tokens.weight"][tokens].astype(np.float64)
states, attn = [x.copy()], []
for i in range(L):
    p = f"model.layers.{i}."
    h = rms(x, w[p + "input_layernorm.weight"])
    q = rope_half(h @ w[p + "self_attn.q_proj.weight"].T, H)
    k = rope_half(h @ w[p + "self_attn.k_proj.weight"].T, G)
    v = h @ w[p + "self_attn.v_proj.weight"].T
    a, pr = causal_attention(q, k, v, H, G)
    attn.append(pr)
    x = x + a @ w[p + "self_attn.o_proj.weight"].T
    h2 = rms(x, w[p + "post_attention_layernorm.weight"])
    g = h2 @ w[p + "mlp.gate_proj.weight"].T
    x = x + ((g / (1 + np.exp(-g))) * (h2 @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    states.append(x.copy())
logits = rms(x[-1], w["model.norm.weight"]) @ w["lm_head.weight"].T
os.makedirs(f"{out}/llama-tiny", exist_ok=True)
save_file(w, f"{out}/llama-tiny/model.safetensors")
json.dump({"model_type": "llama", "num_hidden_layers": L, "hidden_size": d, "num_attention_heads": H,
           "num_key_value_heads": G, "intermediate_size": F, "vocab_size": V, "rms_norm_eps": eps,
           "rope_theta": base, "max_position_embeddings": 128}, open(f"{out}/llama-tiny/config.json", "w"))
expected["llama"] = {"tokens": tokens, "hidden_states": [s.ravel().tolist() for s in states],
                     "attention": [a.ravel().tolist() for a in attn], "logits": logits.tolist()}

# The same Llama as llama.cpp's converter stores it: q/k rows permuted for interleaved RoPE.
def permute(m, n):
    return m.reshape(n, 2, m.shape[0] // n // 2, *m.shape[1:]).swapaxes(1, 2).reshape(m.shape)
gw = gguf.GGUFWriter(f"{out}/llama-tiny.gguf", "llama")
gw.add_block_count(L); gw.add_embedding_length(d); gw.add_head_count(H); gw.add_head_count_kv(G)
gw.add_feed_forward_length(F); gw.add_context_length(128); gw.add_layer_norm_rms_eps(eps); gw.add_rope_freq_base(base)
gw.add_tensor("token_embd.weight", w["model.embed_tokens.weight"]); gw.add_tensor("output_norm.weight", w["model.norm.weight"])
gw.add_tensor("output.weight", w["lm_head.weight"])
names = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
         "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm", "mlp.gate_proj": "ffn_gate",
         "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
for i in range(L):
    for hf, gg in names.items():
        a = w[f"model.layers.{i}.{hf}.weight"]
        if gg == "attn_q": a = permute(a, H)
        if gg == "attn_k": a = permute(a, G)
        gw.add_tensor(f"blk.{i}.{gg}.weight", a)
gw.write_header_to_file(); gw.write_kv_data_to_file(); gw.write_tensors_to_file(); gw.close()
json.dump(expected, open(f"{out}/expected.json", "w"))
