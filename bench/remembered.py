#!/usr/bin/env python3
"""Time the query mix asked twice of a running `minga serve`: first searched, then remembered.

    bench/remembered.py http://127.0.0.1:7878 [bench/queries.tsv] [--rounds 5]

Each round asks every query of the mix once, in order, one at a time, with the facets the
mix asks for (the same URLs as bench/wrk-mix.py). The first round is searched; later rounds
are answered from memory unless the server runs with `--answer-cache-mb 0`. Prints one JSON
line per round: how many answers were `remembered` (the `x-minga-answer` header), and the
latency p50, p90 and max in milliseconds, measured by the client. Standard library only.
"""

import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from importlib import import_module  # noqa: E402

urls = import_module("wrk-mix").urls


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rounds = 5
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
        args = [a for a in args if a != str(rounds)]
    if not args:
        sys.exit(__doc__)
    base = args[0].rstrip("/")
    mix = Path(args[1]) if len(args) > 1 else Path(__file__).with_name("queries.tsv")
    paths = urls(mix)
    for round_ in range(1, rounds + 1):
        took, remembered = [], 0
        for path in paths:
            started = time.perf_counter()
            with urllib.request.urlopen(base + path) as response:
                response.read()
                remembered += response.headers.get("x-minga-answer") == "remembered"
            took.append((time.perf_counter() - started) * 1000)
        took.sort()
        print(json.dumps({
            "round": round_,
            "requests": len(took),
            "remembered": remembered,
            "p50_ms": round(statistics.median(took), 2),
            "p90_ms": round(took[int(len(took) * 0.9)], 2),
            "max_ms": round(took[-1], 2),
        }))


if __name__ == "__main__":
    main()
