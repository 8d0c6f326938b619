#!/usr/bin/env python3
"""Runs a command and prints its wall time and peak memory, as one line of JSON.

    bench/peak-memory.py COMMAND [ARG…]

`peak_rss_mb` is the kernel's high-water mark of resident memory (VmHWM), which counts the
pages of memory-mapped index files the process touched; `peak_anon_mb` is the largest
anonymous (heap) resident memory seen, sampled every 10 ms: what the process allocates
itself. Linux only (reads /proc/PID/status). The command's output is discarded.
"""

import json
import subprocess
import sys
import time


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "RssAnon"):
                fields[key] = int(value.split()[0]) // 1024
    return fields


def main():
    start = time.monotonic()
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"VmHWM": 0, "RssAnon": 0}
    while child.poll() is None:
        try:
            for key, value in status(child.pid).items():
                peak[key] = max(peak[key], value)
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.01)
    code = child.wait()
    print(json.dumps({
        "status": code,
        "seconds": round(time.monotonic() - start, 1),
        "peak_rss_mb": peak["VmHWM"],
        "peak_anon_mb": peak["RssAnon"],
    }))
    sys.exit(code)


if __name__ == "__main__":
    main()
