#!/usr/bin/env bash
# Ingestion throughput of `minga index`, for each input format, and the cost of a no-change
# re-index against a full rebuild.
#
#   bench/ingest-throughput.sh            # everything, ~30 MB a format, 100 copies
#   MB=50 RUNS=5 COPIES=100 BENCH_DIR=/tmp/minga-bench bench/ingest-throughput.sh
#
# 1. Builds the release binary once (`cargo build --release`).
# 2. Makes one corpus a format (md, json, jsonl, csv, txt, html, pdf, docx) of about MB
#    megabytes from the sample corpus (bench/make-format-corpus.py), and times RUNS runs of
#    `minga index DIR --rebuild --json` on each: the table gives the median wall time, MB/s
#    (input bytes, 10^6) and documents/s.
# 3. Copies the whole sample corpus COPIES times (bench/replicate.py), indexes it, then
#    times RUNS no-change runs of `minga index` and RUNS runs of `minga index --rebuild`
#    (medians).
#
# Needs python3 (standard library only). Writes only under BENCH_DIR.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MB="${MB:-30}"
RUNS="${RUNS:-3}"
COPIES="${COPIES:-100}"
BENCH_DIR="${BENCH_DIR:-/tmp/minga-bench}"
FORMATS="${FORMATS:-md json jsonl csv txt html pdf docx}"
minga="$root/target/release/minga"
results="$BENCH_DIR/results.tsv"

cd "$root"
echo "== building the release binary" >&2
cargo build --release --quiet --bin minga

mkdir -p "$BENCH_DIR"
: >"$results"

# timed LABEL ARGS…: runs `minga ARGS…`, appends `LABEL<TAB>seconds<TAB>summary JSON` to the
# results, and fails if minga does.
timed() {
    local label="$1"
    shift
    local start end summary
    start="$(date +%s.%N)"
    summary="$("$minga" "$@" --quiet --json)"
    end="$(date +%s.%N)"
    printf '%s\t%s\t%s\n' "$label" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" \
        "$(tr -d '\n' <<<"$summary")" >>"$results"
}

echo "== making one corpus a format (~$MB MB each) in $BENCH_DIR/formats" >&2
python3 bench/make-format-corpus.py --out "$BENCH_DIR/formats" --mb "$MB" \
    --formats "$(tr ' ' ',' <<<"$FORMATS")" >&2

for format in $FORMATS; do
    echo "== $format: $RUNS runs of minga index --rebuild" >&2
    rm -rf "$BENCH_DIR/index-$format"
    for _ in $(seq "$RUNS"); do
        timed "format:$format" index "$BENCH_DIR/formats/$format" \
            --index "$BENCH_DIR/index-$format" --rebuild
    done
done

echo "== replicating the sample corpus $COPIES times" >&2
rm -rf "$BENCH_DIR/replicated" "$BENCH_DIR/index-replicated"
python3 bench/replicate.py "$COPIES" corpus "$BENCH_DIR/replicated" >&2
timed "first" index "$BENCH_DIR/replicated" --index "$BENCH_DIR/index-replicated"
for _ in $(seq "$RUNS"); do
    timed "no-change" index "$BENCH_DIR/replicated" --index "$BENCH_DIR/index-replicated"
done
for _ in $(seq "$RUNS"); do
    timed "rebuild" index "$BENCH_DIR/replicated" --index "$BENCH_DIR/index-replicated" --rebuild
done

python3 - "$results" "$COPIES" <<'PY'
import json, statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1], encoding="utf-8"):
    label, seconds, summary = line.rstrip("\n").split("\t", 2)
    runs[label].append((float(seconds), json.loads(summary)))

def median(label):
    return statistics.median(s for s, _ in runs[label])

print(f"{'format':<7} {'files':>6} {'MB':>6} {'seconds':>8} {'MB/s':>7} {'docs/s':>8}  passages")
for label in [l for l in runs if l.startswith("format:")]:
    seconds = median(label)
    last = runs[label][-1][1]
    mb = last["bytes"] / 1e6
    print(f"{label[7:]:<7} {last['files']:>6} {mb:>6.1f} {seconds:>8.2f} {mb / seconds:>7.1f} "
          f"{last['total_documents'] / seconds:>8.0f}  {last['total_passages']}")

first = runs["first"][0][1]
print()
print(f"sample corpus x{sys.argv[2]}: {first['files']} files, {first['bytes'] / 1e6:.1f} MB, "
      f"{first['total_documents']} documents, {first['total_passages']} passages")
print(f"  first index           {runs['first'][0][0]:8.2f} s")
for label, what in [("no-change", "no-change re-index"), ("rebuild", "full rebuild")]:
    print(f"  {what:<20}  {median(label):8.2f} s  (median of {len(runs[label])}; "
          f"read {runs[label][-1][1]['read']} files)")
print(f"  no-change / rebuild   {median('no-change') / median('rebuild'):8.3f}")
PY

echo
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p' | head -n 1);" \
    "$(free -g | awk '/^Mem:/ {print $2 " GiB"}'); minga $("$minga" --version | cut -d' ' -f2)"
