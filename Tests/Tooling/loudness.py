#!/usr/bin/env python3
"""Integrated loudness (LUFS) of a WAV file by pyloudnorm (an independent BS.1770-4
implementation; test tooling only). Prints JSON {"lufs": ..., "sample_rate": ...}."""
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np
import pyloudnorm
from scipy.io import wavfile

rate, data = wavfile.read(sys.argv[1])
if data.dtype == np.int16:
    data = data.astype(np.float64) / 32768
elif data.dtype == np.int32:
    data = data.astype(np.float64) / 2147483648
else:
    data = data.astype(np.float64)
print(json.dumps({"lufs": float(pyloudnorm.Meter(rate).integrated_loudness(data)), "sample_rate": int(rate)}))
