#!/usr/bin/env python3
"""Writes GPT-2-small-shaped (F32) and Gemma-3-270M-shaped (BF16) safetensors checkpoints with
the real tensor names and shapes and seeded random values, plus a config.json each.
Benchmark tooling only. Usage: make_checkpoints.py OUT_DIR
"""
import json, pathlib, struct, sys
import numpy as np

def write_safetensors(path, tensors):
    """tensors: list of (name, dtype_name, shape, bytes)."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for *_, data in tensors:
            f.write(data)
    tmp.rename(path)

def f32(rng, shape, scale=0.02):
    return ("F32", shape, (rng.standard_normal(shape, dtype=np.float32) * scale).tobytes())

def bf16(rng, shape, scale=0.02):
    x = rng.standard_normal(shape, dtype=np.float32) * scale
    return ("BF16", shape, (x.view(np.uint32) >> 16).astype(np.uint16).tobytes())

def gpt2(out):
    rng = np.random.default_rng(124)
    t = [("wte.weight", *f32(rng, (50257, 768))), ("wpe.weight", *f32(rng, (1024, 768)))]
    for i in range(12):
        p = f"h.{i}."
        t += [(p + "ln_1.weight", *f32(rng, (768,), 1)), (p + "ln_1.bias", *f32(rng, (768,))),
              (p + "attn.c_attn.weight", *f32(rng, (768, 2304))), (p + "attn.c_attn.bias", *f32(rng, (2304,))),
              (p + "attn.c_proj.weight", *f32(rng, (768, 768))), (p + "attn.c_proj.bias", *f32(rng, (768,))),
              (p + "ln_2.weight", *f32(rng, (768,), 1)), (p + "ln_2.bias", *f32(rng, (768,))),
              (p + "mlp.c_fc.weight", *f32(rng, (768, 3072))), (p + "mlp.c_fc.bias", *f32(rng, (3072,))),
              (p + "mlp.c_proj.weight", *f32(rng, (3072, 768))), (p + "mlp.c_proj.bias", *f32(rng, (768,)))]
    t += [("ln_f.weight", *f32(rng, (768,), 1)), ("ln_f.bias", *f32(rng, (768,)))]
    out.mkdir(parents=True, exist_ok=True)
    write_safetensors(out / "model.safetensors", t)
    (out / "config.json").write_text(json.dumps({"model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "vocab_size": 50257, "n_positions": 1024}))

def gemma3(out):
    rng = np.random.default_rng(270)
    t = [("model.embed_tokens.weight", *bf16(rng, (262144, 640)))]
    for i in range(18):
        p = f"model.layers.{i}."
        t += [(p + "input_layernorm.weight", *bf16(rng, (640,))),
              (p + "self_attn.q_proj.weight", *bf16(rng, (1024, 640))), (p + "self_attn.k_proj.weight", *bf16(rng, (256, 640))),
              (p + "self_attn.v_proj.weight", *bf16(rng, (256, 640))), (p + "self_attn.o_proj.weight", *bf16(rng, (640, 1024))),
              (p + "self_attn.q_norm.weight", *bf16(rng, (256,))), (p + "self_attn.k_norm.weight", *bf16(rng, (256,))),
              (p + "post_attention_layernorm.weight", *bf16(rng, (640,))), (p + "pre_feedforward_layernorm.weight", *bf16(rng, (640,))),
              (p + "post_feedforward_layernorm.weight", *bf16(rng, (640,))),
              (p + "mlp.gate_proj.weight", *bf16(rng, (2048, 640))), (p + "mlp.up_proj.weight", *bf16(rng, (2048, 640))),
              (p + "mlp.down_proj.weight", *bf16(rng, (640, 2048)))]
    t += [("model.norm.weight", *bf16(rng, (640,)))]
    out.mkdir(parents=True, exist_ok=True)
    write_safetensors(out / "model.safetensors", t)
    (out / "config.json").write_text(json.dumps({"model_type": "gemma3_text", "num_hidden_layers": 18, "hidden_size": 640, "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 256, "intermediate_size": 2048, "vocab_size": 262144}))

if __name__ == "__main__":
    root = pathlib.Path(sys.argv[1])
    if not (root / "gpt2-small-shaped" / "model.safetensors").exists():
        gpt2(root / "gpt2-small-shaped")
    if not (root / "gemma-3-270m-shaped" / "model.safetensors").exists():
        gemma3(root / "gemma-3-270m-shaped")
    print(root)
