#!/usr/bin/env python3
"""Writes a synthetic checkpoint of a real architecture's shapes with random weights (test
tooling and benchmarks only), streaming one tensor at a time so multi-GB files need little memory.

usage: make_big_checkpoint.py OUT_DIR --arch llama|gpt2 --layers L --hidden H [--intermediate I]
                              [--vocab V] [--dtype bf16|f32] [--mlp-only] [--seed S]

llama: model.layers.N.{self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj, input_layernorm,
post_attention_layernorm}.weight, model.embed_tokens, model.norm (Hugging Face names;
--mlp-only keeps the three MLP matrices per layer and the norms: Llama-3-70B's 8192 × 28672
matrices are the ones that set the memory bound). gpt2: GPT-2's names and Conv1D layouts.
Values N(0, 0.02²) from numpy's PCG64 with the seed; bf16 is float32 rounded to nearest-even.
Writes OUT_DIR/model.safetensors and OUT_DIR/config.json; prints the file's size."""
import argparse, json, os, struct
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--arch", choices=["llama", "gpt2"], required=True)
p.add_argument("--layers", type=int, required=True)
p.add_argument("--hidden", type=int, required=True)
p.add_argument("--intermediate", type=int, default=0)
p.add_argument("--vocab", type=int, default=1024)
p.add_argument("--dtype", choices=["bf16", "f32"], default="f32")
p.add_argument("--mlp-only", action="store_true")
p.add_argument("--seed", type=int, default=20261205)
a = p.parse_args()
H, I, L = a.hidden, a.intermediate or 4 * a.hidden, a.layers
tensors = []
if a.arch == "llama":
    if not a.mlp_only:
        tensors.append(("model.embed_tokens.weight", [a.vocab, H]))
    for i in range(L):
        q = f"model.layers.{i}."
        if not a.mlp_only:
            tensors += [(q + f"self_attn.{n}_proj.weight", [H, H]) for n in "qkvo"]
        tensors += [(q + "mlp.gate_proj.weight", [I, H]), (q + "mlp.up_proj.weight", [I, H]), (q + "mlp.down_proj.weight", [H, I]),
                    (q + "input_layernorm.weight", [H]), (q + "post_attention_layernorm.weight", [H])]
    tensors.append(("model.norm.weight", [H]))
    config = {"model_type": "llama", "num_hidden_layers": L, "hidden_size": H, "intermediate_size": I,
              "num_attention_heads": max(1, H // 128), "num_key_value_heads": max(1, H // 128), "vocab_size": a.vocab}
else:
    tensors += [("wte.weight", [a.vocab, H]), ("wpe.weight", [1024, H])]
    for i in range(L):
        q = f"h.{i}."
        tensors += [(q + "ln_1.weight", [H]), (q + "ln_1.bias", [H]), (q + "attn.c_attn.weight", [H, 3 * H]), (q + "attn.c_attn.bias", [3 * H]),
                    (q + "attn.c_proj.weight", [H, H]), (q + "attn.c_proj.bias", [H]), (q + "ln_2.weight", [H]), (q + "ln_2.bias", [H]),
                    (q + "mlp.c_fc.weight", [H, I]), (q + "mlp.c_fc.bias", [I]), (q + "mlp.c_proj.weight", [I, H]), (q + "mlp.c_proj.bias", [H])]
    tensors += [("ln_f.weight", [H]), ("ln_f.bias", [H])]
    config = {"model_type": "gpt2", "n_layer": L, "n_embd": H, "n_head": max(1, H // 64), "n_positions": 1024, "vocab_size": a.vocab}
width = 2 if a.dtype == "bf16" else 4
header, offset = {}, 0
for name, shape in tensors:
    n = int(np.prod(shape)) * width
    header[name] = {"dtype": "BF16" if a.dtype == "bf16" else "F32", "shape": shape, "data_offsets": [offset, offset + n]}
    offset += n
blob = json.dumps(header, separators=(",", ":")).encode()
blob += b" " * (-len(blob) % 8)
os.makedirs(a.out, exist_ok=True)
rng = np.random.default_rng(a.seed)
path = os.path.join(a.out, "model.safetensors")
with open(path + ".tmp", "wb") as f:
    f.write(struct.pack("<Q", len(blob)) + blob)
    for name, shape in tensors:
        rows = shape[0] if len(shape) > 1 else 1
        cols = int(np.prod(shape)) // rows
        step = max(1, (1 << 24) // cols)
        for r in range(0, rows, step):
            x = (rng.standard_normal((min(step, rows - r), cols), dtype=np.float32) * 0.02)
            if len(shape) == 1:
                x = 1 + x
            if a.dtype == "bf16":
                u = x.view(np.uint32)
                u = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
                f.write(u.tobytes())
            else:
                f.write(x.astype("<f4").tobytes())
os.replace(path + ".tmp", path)
json.dump(config, open(os.path.join(a.out, "config.json"), "w"))
print(json.dumps({"path": path, "bytes": os.path.getsize(path), "tensors": len(tensors)}))
