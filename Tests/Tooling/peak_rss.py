#!/usr/bin/env python3
"""Runs a command and prints one JSON object: its exit status, its peak resident set size
(getrusage of the child, ru_maxrss, in bytes), its wall time, and its stderr (test tooling and
benchmarks only).

usage: peak_rss.py COMMAND [ARG...]"""
import json, resource, subprocess, sys, time

start = time.time()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"status": done.returncode, "peak_rss_bytes": peak, "seconds": round(time.time() - start, 2), "stderr": done.stderr,
                  "stdout_bytes": len(done.stdout)}))
