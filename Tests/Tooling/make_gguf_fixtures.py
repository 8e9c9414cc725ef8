#!/usr/bin/env python3
"""Writes the GGUF dequantisation fixtures with tools nobody here wrote.

Test tooling only (never part of the product). Uses the `gguf` package (llama.cpp's own
Python reader/writer) to:
  1. write Tests/CheckpointTests/Fixtures/quants.gguf: one 2 x 512 tensor per block type with
     seeded random bytes (scale fields set to finite binary16 values), plus metadata of every
     GGUF value type, nested arrays included;
  2. dequantise each tensor with gguf.quants.dequantize and store the values, as F32, in
     Fixtures/quants-expected.safetensors (written by the `safetensors` package);
  3. record sums and sampled values of real SmolLM2 tensors in
     Fixtures/smollm2-expectations.json, so the Swift tests can check the real file without
     Python at run time.
Run: python3 Tests/Tooling/make_gguf_fixtures.py [path/to/SmolLM2.gguf]
"""
import json, sys, pathlib
import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGML_QUANT_SIZES
from gguf.quants import dequantize
from safetensors.numpy import save_file

HERE = pathlib.Path(__file__).resolve().parent
FIX = HERE.parent / "CheckpointTests" / "Fixtures"
FIX.mkdir(parents=True, exist_ok=True)

# Byte offsets of binary16 scale fields inside each block, to keep values finite.
SCALE_FIELDS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
}
ROWS, COLS = 2, 512
rng = np.random.default_rng(20261122)

def random_blocks(qtype):
    block_elems, block_bytes = GGML_QUANT_SIZES[qtype]
    n_blocks = ROWS * COLS // block_elems
    raw = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
    for off in SCALE_FIELDS[qtype]:
        scales = rng.uniform(-0.05, 0.05, size=n_blocks).astype(np.float16)
        raw[:, off:off + 2] = scales.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(ROWS, COLS // block_elems * block_bytes)

writer = gguf.GGUFWriter(str(FIX / "quants.gguf"), arch="llama")
writer.add_block_count(1)
writer.add_uint8("test.u8", 200)
writer.add_int8("test.i8", -100)
writer.add_uint16("test.u16", 60000)
writer.add_int16("test.i16", -30000)
writer.add_uint32("test.u32", 4000000000)
writer.add_int32("test.i32", -2000000000)
writer.add_float32("test.f32", 1.5)
writer.add_bool("test.bool", True)
writer.add_string("test.string", "héllo, 世界")
writer.add_uint64("test.u64", 2**63 + 5)
writer.add_int64("test.i64", -(2**62))
writer.add_float64("test.f64", -2.25)
writer.add_array("test.array.strings", ["a", "bc", ""])
writer.add_array("test.array.nested", [[1, 2], [3]])

expected = {}
for qtype in SCALE_FIELDS:
    raw = random_blocks(qtype)
    writer.add_tensor(f"q.{qtype.name}", raw, raw_dtype=qtype)
    expected[qtype.name] = dequantize(raw, qtype).astype(np.float32).reshape(ROWS, COLS)
plain = rng.standard_normal((ROWS, COLS)).astype(np.float32)
writer.add_tensor("q.F32", plain)
expected["F32"] = plain
writer.add_tensor("q.F16", plain.astype(np.float16))
expected["F16"] = plain.astype(np.float16).astype(np.float32)
bf16 = gguf.quants.quantize(plain, T.BF16)
writer.add_tensor("q.BF16", bf16, raw_dtype=T.BF16)
expected["BF16"] = dequantize(bf16, T.BF16).astype(np.float32).reshape(ROWS, COLS)
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
save_file(expected, str(FIX / "quants-expected.safetensors"))

# Real SmolLM2 tensors: sums and sampled values (deterministic indices).
if len(sys.argv) > 1:
    reader = gguf.GGUFReader(sys.argv[1])
    wanted = ["token_embd.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.17.ffn_gate.weight",
              "blk.29.ffn_down.weight", "blk.5.attn_norm.weight", "output_norm.weight"]
    out = {}
    for t in reader.tensors:
        if t.name not in wanted:
            continue
        values = dequantize(t.data, t.tensor_type).astype(np.float64).reshape(-1)
        n = values.size
        idx = sorted({(i * 2654435761) % n for i in range(1, 33)} | {0, n - 1})
        out[t.name] = {
            "dtype": t.tensor_type.name,
            "shape": [int(x) for x in reversed(t.shape.tolist())],
            "sum": float(values.sum()),
            "sum_of_squares": float((values * values).sum()),
            "samples": {str(i): float(values[i]) for i in idx},
        }
    (FIX / "smollm2-expectations.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
print("fixtures written to", FIX)
