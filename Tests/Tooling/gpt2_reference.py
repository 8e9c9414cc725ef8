#!/usr/bin/env python3
"""Test tooling only: an independent GPT-2 on a folder `eigentone train` wrote.

Usage: gpt2_reference.py MODEL_DIR ID ID ...
       gpt2_reference.py --report MODEL_DIR ID ID ...   (attention, logit lens, next tokens)
Runs the ids as one sequence through GPT-2 as Hugging Face defines it (Conv1D [in, out] weights,
pre-LayerNorm blocks with eps from config.json, gelu_new, causal attention, output tied to wte),
written here in numpy (float64) from the folder's model.safetensors (read by the reference
`safetensors` package) and config.json. Prints {"loss": mean cross-entropy of ids[1:] given what
precedes them, "last_logits": [...]}; when torch and transformers are installed it also loads the
folder unchanged with GPT2LMHeadModel.from_pretrained and adds "transformers_loss" and
"transformers_last_logits"."""
import json, math, sys
import numpy as np
from safetensors.numpy import load_file

report = sys.argv[1] == "--report"
args = sys.argv[2:] if report else sys.argv[1:]
folder, ids = args[0], [int(x) for x in args[1:]]
config = json.load(open(f"{folder}/config.json"))
w = {k: v.astype(np.float64) for k, v in load_file(f"{folder}/model.safetensors").items()}
L, H, eps = config["n_layer"], config["n_head"], config["layer_norm_epsilon"]


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu_new(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


T = len(ids)
x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][:T]
attention, states = [], []
for l in range(L):
    p = f"transformer.h.{l}."
    h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"])
    qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
    C = x.shape[1]
    q, k, v = qkv[:, :C], qkv[:, C:2 * C], qkv[:, 2 * C:]
    hs = C // H
    out = np.zeros((T, C))
    mask = np.triu(np.full((T, T), -np.inf), 1)
    maps = []
    for head in range(H):
        s = slice(head * hs, (head + 1) * hs)
        scores = q[:, s] @ k[:, s].T / math.sqrt(hs) + mask
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        maps.append(scores.tolist())
        out[:, s] = scores @ v[:, s]
    attention.append(maps)
    x = x + out @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
    h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"])
    x = x + gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    states.append(x)
if report:
    # The logit lens: ln_f with each row's own statistics, then the tied unembedding.
    lens = []
    for state in states:
        z = layer_norm(state, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"]) @ w["transformer.wte.weight"].T
        z = np.exp(z - z.max(-1, keepdims=True))
        lens.append(z / z.sum(-1, keepdims=True))
    final = lens[-1]
    out = {"attention": attention,
           "logit_lens": [[{"id": int(p[t].argmax()), "probability": float(p[t].max()),
                            "answer_probability": float(p[t][final[t].argmax()])} for t in range(T)] for p in lens],
           "next_token": [[{"id": int(i), "probability": float(final[t][i])} for i in np.argsort(-final[t], kind="stable")[:10]] for t in range(T)]}
    print(json.dumps(out))
    sys.exit(0)
x = layer_norm(x, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"])
logits = x @ w["transformer.wte.weight"].T
shifted = logits - logits.max(-1, keepdims=True)
logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
loss = -np.mean([logp[t - 1, ids[t]] for t in range(1, T)])
result = {"loss": float(loss), "last_logits": logits[-1].tolist()}
try:
    import torch
    from transformers import GPT2LMHeadModel
    model = GPT2LMHeadModel.from_pretrained(folder).float().eval()
    with torch.no_grad():
        out = model(torch.tensor([ids]), labels=torch.tensor([ids]))
    result["transformers_loss"] = float(out.loss)
    result["transformers_last_logits"] = out.logits[0, -1].tolist()
except ImportError:
    pass
print(json.dumps(result))
