#!/usr/bin/env bash
# Peak memory of `minga index` on one large JSON Lines export, for several sizes, to show that it
# does not grow with the file (JSON Lines files are streamed: see the README's "Writing a
# corpus").
#
#   bench/jsonl-memory.sh                    # 100 MB, 1000 MB and 2000 MB
#   SIZES_MB="100 300" bench/jsonl-memory.sh
#
# For each size: generates a JSON Lines file of synthetic Spanish-looking records
# (bench/make-jsonl-export.py) into a temporary folder beside the shipped data files,
# indexes it with the release binary (`cargo build --release` first, or MINGA_BIN=path), prints
# the wall time, the peak resident memory and the peak anonymous (heap) memory
# (bench/peak-memory.py), and deletes the folder. Needs python3 (standard library only), Linux.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES_MB="${SIZES_MB:-100 1000 2000}"
minga="$root/target/release/minga"

cd "$root"
if [ -z "${MINGA_BIN:-}" ]; then
    cargo build --release --quiet
else
    minga="$MINGA_BIN"
fi
printf '%-8s %10s %10s %8s %14s %14s\n' "MB" "records" "seconds" "MB/s" "peak RSS (MB)" "peak anon (MB)"
for mb in $SIZES_MB; do
    work="$(mktemp -d "${TMPDIR:-/tmp}/minga-jsonl-memory.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/corpus"
    cp corpus/_gazetteer.csv corpus/_institutions.csv corpus/_glossary.csv "$work/corpus/"
    records="$(python3 bench/make-jsonl-export.py "$mb" "$work/corpus/export.jsonl")"
    peak="$(python3 bench/peak-memory.py "$minga" index "$work/corpus" --index "$work/index" --quiet)"
    bytes="$(stat -c %s "$work/corpus/export.jsonl")"
    python3 -c 'import json, sys; mb, rec, b, p = sys.argv[1:]; p = json.loads(p); assert p["status"] == 0, p; s, rss, anon = p["seconds"], p["peak_rss_mb"], p["peak_anon_mb"]; print(f"{mb:<8} {rec:>10} {s:>10.1f} {int(b)/1e6/s:>8.1f} {rss:>14} {anon:>14}")' \
        "$mb" "$records" "$bytes" "$peak"
    rm -rf "$work"
    trap - EXIT
done
