#!/usr/bin/env bash
# Peak memory of `minga index` on one large JSON Lines export, for two sizes, to show that it
# does not grow with the file (JSON Lines files are streamed: see the README's "Writing a
# corpus").
#
#   bench/jsonl-memory.sh                    # 100 MB and 1000 MB
#   SIZES_MB="100 300" bench/jsonl-memory.sh
#
# For each size: generates a JSON Lines file of synthetic Spanish-looking records
# (bench/make-jsonl-export.py) into a temporary folder beside the shipped data files,
# indexes it with the release binary under GNU time, prints the wall time and the
# "Maximum resident set size", and deletes the folder. Builds the release binary first
# (`cargo build --release`). Needs python3 (standard library only) and GNU time
# (/usr/bin/time).

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES_MB="${SIZES_MB:-100 1000}"
minga="$root/target/release/minga"

cd "$root"
cargo build --release --quiet
printf '%-8s %10s %10s %12s %14s\n' "MB" "records" "seconds" "MB/s" "peak RSS (MB)"
for mb in $SIZES_MB; do
    work="$(mktemp -d "${TMPDIR:-/tmp}/minga-jsonl-memory.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/corpus"
    cp corpus/_gazetteer.csv corpus/_institutions.csv corpus/_glossary.csv "$work/corpus/"
    records="$(python3 bench/make-jsonl-export.py "$mb" "$work/corpus/export.jsonl")"
    /usr/bin/time -v "$minga" index "$work/corpus" --index "$work/index" --quiet \
        2> "$work/time.txt" > /dev/null || { cat "$work/time.txt" >&2; exit 1; }
    rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
    wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")"
    seconds="$(python3 -c 'import sys; p=[float(x) for x in sys.argv[1].split(":")]; print(round(sum(v*60**i for i,v in enumerate(reversed(p))),1))' "$wall")"
    bytes="$(stat -c %s "$work/corpus/export.jsonl")"
    python3 -c 'import sys; mb,rec,s,b,rss=sys.argv[1:]; print(f"{mb:<8} {rec:>10} {float(s):>10.1f} {int(b)/1e6/float(s):>12.1f} {int(rss)/1024:>14.0f}")' \
        "$mb" "$records" "$seconds" "$bytes" "$rss_kb"
    rm -rf "$work"
    trap - EXIT
done
