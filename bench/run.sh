#!/usr/bin/env bash
# The scaling benchmark: Minga against SQLite FTS5 and plain tantivy, on the same
# corpora, on this machine, in one run.
#
#   bench/run.sh                                  # sizes 1 10 100, 3 runs of each build
#   SIZES="1 10 100 1000" RUNS=3 bench/run.sh     # and 1000× (about 330 MB of text)
#   OUT=/tmp/minga-bench-run PLOTS=bench/plots bench/run.sh
#
# For each size S (bench/scale.py makes the corpora under $OUT/corpora/xS, reused when there):
#  1. Minga indexes the corpus folder (Markdown, JSON, JSON Lines: the realistic layout) and
#     the JSONL export (the same bytes as the peers; shards of 8 MB), RUNS times each from
#     scratch, under /usr/bin/time -v: wall time, MB/s and documents/s (input bytes and
#     documents over wall time), peak RSS, index bytes per input byte; then RUNS no-change
#     re-indexes of the corpus folder.
#  2. The peers build the same JSONL RUNS times: plain tantivy (the `peer_tantivy` example)
#     and SQLite FTS5 (bench/peer_sqlite.py), measured the same way.
#  3. The query mix (bench/queries.tsv) in process, QUERY_RUNS timed passes after 2 untimed:
#     Minga on both of its indexes (`querymix` example), tantivy and SQLite on theirs.
#  4. `minga serve` on the corpus-folder index, on 127.0.0.1 (port chosen by the system), and
#     wrk for HTTP_SECONDS with HTTP_CONNECTIONS connections cycling through the mix as
#     GET /api/search URLs, twice: with remembered answers off (every request searched) and
#     as served by default (the mix's requests repeat, so most are remembered answers); then
#     the plain-tantivy peer's HTTP server (`peer_tantivy serve`, axum, the same URLs, top 20,
#     every request searched) on its index. Server RSS (VmRSS) idle after start, sampled
#     every second under load, and its peak (VmHWM) at the end.
# Every measurement is a JSON line in $OUT/results.jsonl; bench/report.py turns them into the
# tables (medians of the runs, ratios to the peers) in $OUT/report.md and the SVG plots in
# $PLOTS (default $OUT).
#
# Needs: a Rust toolchain, python3 (standard library), GNU time (/usr/bin/time), wrk (Debian:
# `apt-get install -y wrk`; without it the HTTP step is skipped). Writes only under $OUT (and
# $PLOTS). Other processes on the machine change the figures: run it on a quiet machine and
# compare medians.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-1 10 100}"
RUNS="${RUNS:-3}"
QUERY_RUNS="${QUERY_RUNS:-20}"
HTTP_SECONDS="${HTTP_SECONDS:-30}"
HTTP_CONNECTIONS="${HTTP_CONNECTIONS:-32}"
HTTP_THREADS="${HTTP_THREADS:-2}"
OUT="${OUT:-/tmp/minga-bench-run}"
PLOTS="${PLOTS:-$OUT}"
MIX="$root/bench/queries.tsv"
minga="$root/target/release/minga"
examples="$root/target/release/examples"
results="$OUT/results.jsonl"

cd "$root"
mkdir -p "$OUT"
: >"$results"

echo "== building the release binary and the benchmark examples" >&2
cargo build --release --quiet --bin minga
cargo build --release --quiet -p minga-engine --example querymix --example peer_tantivy

echo "== making the corpora (bench/scale.py) in $OUT/corpora" >&2
missing=()
for size in $SIZES; do
    [[ -f "$OUT/corpora/x$size/manifest.json" ]] || missing+=("$size")
done
if ((${#missing[@]})); then
    python3 bench/scale.py --out "$OUT/corpora" --sizes "$(tr ' ' ',' <<<"${missing[*]}")" >&2
fi

# emit SIZE WHAT RUN TIMEFILE [JSON]: appends a result line from a `/usr/bin/time -v` report
# and the JSON the command printed (or {}).
emit() {
    python3 - "$@" >>"$results" <<'PY'
import json, re, sys
size, what, run, timefile = sys.argv[1:5]
extra = json.loads(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5].strip() else {}
text = open(timefile).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
system = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
print(json.dumps({"size": int(size), "what": what, "run": int(run), "wall_s": seconds,
                  "cpu_s": user + system, "rss_kb": rss, "output": extra}))
PY
}

# note SIZE WHAT JSON: appends a result line holding JSON as it is.
note() {
    python3 -c 'import json,sys; print(json.dumps({"size": int(sys.argv[1]), "what": sys.argv[2], "output": json.loads(sys.argv[3])}))' \
        "$1" "$2" "$3" >>"$results"
}

python3 bench/wrk-mix.py "$MIX" "$OUT/mix.lua"

# load_test SIZE WHAT COMMAND...: the HTTP load test of one server (bench/load-test.sh).
source "$root/bench/load-test.sh"

for size in $SIZES; do
    data="$OUT/corpora/x$size"
    work="$OUT/work/x$size"
    rm -rf "$work"
    mkdir -p "$work"
    note "$size" corpus "$(cat "$data/manifest.json")"

    echo "== x$size: minga index, $RUNS runs on the corpus folder and on the JSONL" >&2
    for run in $(seq "$RUNS"); do
        for form in corpus jsonl; do
            rm -rf "$work/minga-$form"
            summary="$(/usr/bin/time -v -o "$work/time" "$minga" index "$data/$form" \
                --index "$work/minga-$form" --quiet --json)"
            summary="$(python3 -c 'import json,sys; s=json.load(sys.stdin); s.pop("problems",None); s.pop("earlier_problems",None); s["index_bytes"]=int(sys.argv[1]); print(json.dumps(s))' \
                "$(du -sb "$work/minga-$form" | cut -f1)" <<<"$summary")"
            emit "$size" "minga-index-$form" "$run" "$work/time" "$summary"
        done
    done
    echo "== x$size: minga index, $RUNS no-change runs" >&2
    for run in $(seq "$RUNS"); do
        summary="$(/usr/bin/time -v -o "$work/time" "$minga" index "$data/corpus" \
            --index "$work/minga-corpus" --quiet --json)"
        summary="$(python3 -c 'import json,sys; s=json.load(sys.stdin); s.pop("problems",None); s.pop("earlier_problems",None); print(json.dumps(s))' <<<"$summary")"
        emit "$size" minga-reindex-nochange "$run" "$work/time" "$summary"
    done

    echo "== x$size: peers index the JSONL, $RUNS runs each" >&2
    for run in $(seq "$RUNS"); do
        rm -rf "$work/tantivy"
        out="$(/usr/bin/time -v -o "$work/time" "$examples/peer_tantivy" index \
            "$data/docs.jsonl" "$work/tantivy")"
        out="$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); s["index_bytes"]=int(sys.argv[2]); print(json.dumps(s))' \
            "$out" "$(du -sb "$work/tantivy" | cut -f1)")"
        emit "$size" tantivy-index "$run" "$work/time" "$out"
        out="$(/usr/bin/time -v -o "$work/time" python3 bench/peer_sqlite.py index \
            "$data/docs.jsonl" "$work/sqlite.db")"
        out="$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); s["index_bytes"]=int(sys.argv[2]); print(json.dumps(s))' \
            "$out" "$(stat -c %s "$work/sqlite.db")")"
        emit "$size" sqlite-index "$run" "$work/time" "$out"
    done

    echo "== x$size: the query mix in process, $QUERY_RUNS passes" >&2
    for form in corpus jsonl; do
        "$examples/querymix" "$work/minga-$form" "$MIX" --runs "$QUERY_RUNS" \
            >"$work/querymix-$form.json"
        note "$size" "minga-query-$form" "$(cat "$work/querymix-$form.json")"
    done
    "$examples/peer_tantivy" query "$work/tantivy" "$MIX" --runs "$QUERY_RUNS" \
        >"$work/tantivy-query.json"
    note "$size" tantivy-query "$(cat "$work/tantivy-query.json")"
    python3 bench/peer_sqlite.py query "$work/sqlite.db" "$MIX" --runs "$QUERY_RUNS" \
        >"$work/sqlite-query.json"
    note "$size" sqlite-query "$(cat "$work/sqlite-query.json")"

    if command -v wrk >/dev/null; then
        # wrk repeats the mix's 42 requests: once with remembered answers off, so every
        # request is searched ("http"), once as served by default ("http-remembered"); then
        # the plain-tantivy peer's HTTP server on its index ("tantivy-http"), which searches
        # every request.
        load_test "$size" http "$minga" serve --index "$work/minga-corpus" \
            --corpus "$data/corpus" --addr 127.0.0.1:0 --answer-cache-mb 0
        load_test "$size" http-remembered "$minga" serve --index "$work/minga-corpus" \
            --corpus "$data/corpus" --addr 127.0.0.1:0
        load_test "$size" tantivy-http "$examples/peer_tantivy" serve "$work/tantivy" \
            --addr 127.0.0.1:0
    else
        echo "== x$size: wrk not found, skipping the HTTP load test" >&2
    fi
    # The indexes of the largest sizes are big; keep only the results.
    if [[ "${KEEP_INDEXES:-0}" != 1 ]]; then
        rm -rf "$work/minga-jsonl" "$work/tantivy" "$work/sqlite.db"
    fi
done

python3 - "$OUT/machine.json" <<'PY'
import json, os, platform, subprocess, sys, datetime
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
info = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "nproc": int(sh("nproc") or 0),
    "cpu": sh("lscpu | sed -n 's/^Model name: *//p' | head -n 1"),
    "memory": sh("free -h | awk '/^Mem:/ {print $2}'"),
    "kernel": platform.release(),
    "load_average": os.getloadavg(),
    "rustc": sh("rustc --version"),
    "sqlite": __import__("sqlite3").sqlite_version,
    "python": platform.python_version(),
    "wrk": sh("wrk -v 2>&1 | head -n 1"),
}
json.dump(info, open(sys.argv[1], "w"), indent=1)
PY
python3 bench/report.py "$OUT" --plots "$PLOTS" >"$OUT/report.md"
echo "== done: $OUT/report.md" >&2
cat "$OUT/report.md"
