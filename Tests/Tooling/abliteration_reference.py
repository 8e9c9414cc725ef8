#!/usr/bin/env python3
"""Independent checks of `eigentone abliterate` (test tooling only).

Usage: abliteration_reference.py MODEL.gguf DIRECTION.safetensors OUT_FOLDER PROMPTS.json
(MODEL: a Llama-family GGUF such as SmolLM2, or Gemma 3, whose output and down projections are
orthogonalised against g ⊙ r̂ with g the gains of the norm after them, and whose norms lose the 1
llama.cpp's converter added; its tokenizer is OUT/tokenizer.gguf)
Prints one JSON object:
  weights_relative_error  the largest |written − expected| / max|expected| over every tensor, where
                          expected = the GGUF tensor dequantised by llama.cpp's gguf package, q/k
                          un-permuted to Hugging Face's rotary layout, and (embedding rows; o_proj
                          and down_proj columns) orthogonalised against r̂ in float64
  tokenizer_equal         OUT's tokenizer.json (transformers) gives the ids the GGUF's own
                          tokenizer (transformers' GGUF converter) gives, on every prompt
  template_ids            the chat-templated ids of each prompt (OUT's tokenizer_config.json)
  transformers            null without torch; otherwise, with OUT loaded by AutoModelForCausalLM
                          (float32, eager): largest_cosine, the largest |h·r̂|/|h| over every layer
                          (hidden_states 0…L), position and prompt; and paris, the top 3 next tokens
                          after "The capital of France is"."""
import json, os, sys
import numpy as np
import gguf
from safetensors import safe_open
from transformers import AutoTokenizer

model_path, direction_path, out, prompts_path = sys.argv[1:5]
prompts = json.load(open(prompts_path))
with safe_open(os.path.join(out, "model.safetensors"), "np") as f:
    meta = f.metadata()
    written = {k: f.get_tensor(k) for k in f.keys()}
with safe_open(direction_path, "np") as f:
    r = f.get_tensor("direction")[int(meta["eigentone.direction_layer"])].astype(np.float64)
r /= np.linalg.norm(r)

reader = gguf.GGUFReader(model_path)
arch = reader.fields["general.architecture"].contents()
heads = int(reader.fields[f"{arch}.attention.head_count"].contents())
kv_heads = int(reader.fields[f"{arch}.attention.head_count_kv"].contents())
gemma = arch == "gemma3"


def unpermute(w, n):
    return w.reshape(n, w.shape[0] // n // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


top = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight", "output.weight": "lm_head.weight"}
sub = {"attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm", "attn_q": "self_attn.q_proj",
       "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
       "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"}
if gemma:  # llama.cpp's Gemma 3 names; its converter added 1 to every norm and did not permute q/k
    sub.update({"ffn_norm": "pre_feedforward_layernorm", "post_attention_norm": "post_attention_layernorm",
                "post_ffw_norm": "post_feedforward_layernorm", "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm"})
tensors = {t.name: t for t in reader.tensors}


def load(name):
    t = tensors[name]
    return np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float64)


worst, seen = 0.0, 0
for t in reader.tensors:
    a = load(t.name)
    v = r
    if t.name.startswith("blk."):
        _, i, part, _ = t.name.split(".")
        if part == "attn_q" and not gemma:
            a = unpermute(a, heads)
        if part == "attn_k" and not gemma:
            a = unpermute(a, kv_heads)
        if gemma and part in ("attn_output", "ffn_down"):  # y = g * u / rms(u): u must lose g * r
            g = load(f"blk.{i}." + ("post_attention_norm" if part == "attn_output" else "post_ffw_norm") + ".weight")
            v = g * r / np.linalg.norm(g * r)
        name = f"model.layers.{i}.{sub[part]}.weight"
    else:
        name = top[t.name]
    if gemma and a.ndim == 1:
        a = a - 1
    if name == "model.embed_tokens.weight":
        a = a - np.outer(a @ r, r)
    elif name.endswith("o_proj.weight") or name.endswith("down_proj.weight"):
        a = a - np.outer(v, v @ a)
    got = written[name].astype(np.float64)
    assert got.shape == a.shape, (name, got.shape, a.shape)
    worst = max(worst, float(np.abs(got - a).max() / max(np.abs(a).max(), 1e-30)))
    seen += 1
assert seen == len(written), (seen, len(written))

ours = AutoTokenizer.from_pretrained(out, gguf_file="tokenizer.gguf") if gemma else AutoTokenizer.from_pretrained(out)
theirs = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(model_path)), gguf_file=os.path.basename(model_path))
texts = prompts + ["The capital of France is", "Numbers 12345 and symbols <|im_start|> stay"]
tokenizer_equal = all(ours(t)["input_ids"] == theirs(t)["input_ids"] for t in texts)
if gemma:  # the base model ships no chat template: Gemma's turns, as Eigentone writes them
    templated = [ours(f"<start_of_turn>user\n{p}<end_of_turn>\n<start_of_turn>model\n")["input_ids"] for p in prompts]
else:
    templated = [ours.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True, tokenize=True) for p in prompts]
    templated = [list(x["input_ids"]) if isinstance(x, dict) or hasattr(x, "keys") else list(x) for x in templated]

result = {"weights_relative_error": worst, "tokenizer_equal": tokenizer_equal, "template_ids": templated, "transformers": None}
try:
    import torch
    from transformers import AutoModelForCausalLM
except ImportError:
    torch = None
if torch is not None:
    model = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    rt = torch.tensor(r, dtype=torch.float64)
    largest = 0.0
    with torch.no_grad():
        for ids in templated:
            hs = model(torch.tensor([ids]), output_hidden_states=True).hidden_states
            # hidden_states[-1] has the final norm applied; the residual stream after the last block
            # is checked through the others and the norm's input is not returned.
            for h in hs[:-1]:
                h = h[0].double()
                largest = max(largest, float(((h @ rt).abs() / h.norm(dim=-1)).max()))
        ids = ours("The capital of France is")["input_ids"]
        p = torch.softmax(model(torch.tensor([ids])).logits[0, -1].double(), -1)
        values, indices = p.topk(3)
    result["transformers"] = {"largest_cosine": largest,
                              "paris": [{"token": ours.decode([int(i)]), "probability": float(v)} for v, i in zip(values, indices)]}
print(json.dumps(result))
