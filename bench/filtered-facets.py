#!/usr/bin/env python3
"""What facets cost a search with filters, on running `minga serve` processes side by side.

    bench/filtered-facets.py http://127.0.0.1:7878 [http://127.0.0.1:7879 ...] [--rounds 3]

The page asks for every facet with every search, and a facet is counted under every filter
but its own. For six broad queries, each asked with no filter, a region, and a region and a
kind, with all facets and with none, prints the sum over the queries of the median
`took_ms` (the server's own time, 5 asks each), per server, median of the rounds. The
servers are asked in turn, round after round, so that load on the machine falls on all
alike. Run the servers with `--answer-cache-mb 0`, or every ask after the first is answered
from memory. Standard library only.
"""

import json
import statistics
import sys
import urllib.parse
import urllib.request

QUERIES = [
    "gobernanza regional",
    "financiamiento",
    "agencia regional de desarrollo",
    "ARD",
    "innovación pymes",
    "lecciones de articulación",
]

VARIANTS = {
    "no filter, all facets": {"facets": "all"},
    "no filter, no facet": {"facets": ""},
    "region, all facets": {"facets": "all", "region": "Chile"},
    "region, no facet": {"facets": "", "region": "Chile"},
    "region + kind, all facets": {"facets": "all", "region": "Chile", "kind": "lesson"},
    "region + kind, no facet": {"facets": "", "region": "Chile", "kind": "lesson"},
}


def took(base: str, params: dict) -> float:
    url = f"{base}/api/search?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url) as response:
        return json.load(response)["took_ms"]


def main() -> None:
    args = sys.argv[1:]
    rounds = 3
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at : at + 2]
    if not args:
        sys.exit(__doc__)
    sums: dict = {}
    for _ in range(rounds):
        for base in args:
            for name, extra in VARIANTS.items():
                total = sum(
                    statistics.median(took(base, {"q": q, **extra}) for _ in range(5))
                    for q in QUERIES
                )
                sums.setdefault((name, base), []).append(total)
    width = max(len(name) for name in VARIANTS)
    print(f"{'ms (sum of 6 queries)':{width}}  " + "  ".join(args))
    for name in VARIANTS:
        cells = "  ".join(f"{statistics.median(sums[(name, b)]):>{len(b)}.1f}" for b in args)
        print(f"{name:{width}}  {cells}")


if __name__ == "__main__":
    main()
