#!/usr/bin/env bash
# SciFact ×10: Minga against plain tantivy on a public collection's documents and its 300 real
# queries, in process and over HTTP, in one run.
#
#   bench/scifact-http.sh
#   OUT=/tmp/minga-scifact COPIES=10 HTTP_SECONDS=30 bench/scifact-http.sh
#
# Makes $OUT/corpus/docs.jsonl, COPIES copies of $SCIFACT/docs.jsonl (default
# ../shared/eval/scifact beside the repository; each id suffixed with its copy's number), and
# $OUT/mix.tsv, the collection's queries as a query mix asking for every facet, as the search
# page does. Then: `minga index` and `peer_tantivy index` build their indexes; `querymix` and
# `peer_tantivy query` time the mix in process (QUERY_RUNS passes); and the HTTP load test of
# bench/load-test.sh runs against `minga serve --answer-cache-mb 0` (every request searched)
# and against `peer_tantivy serve` (axum, the same URLs). Results are JSON lines in
# $OUT/results.jsonl; a summary table is printed at the end. Needs what bench/run.sh needs.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCIFACT="${SCIFACT:-$root/../shared/eval/scifact}"
COPIES="${COPIES:-10}"
QUERY_RUNS="${QUERY_RUNS:-3}"
HTTP_SECONDS="${HTTP_SECONDS:-30}"
HTTP_CONNECTIONS="${HTTP_CONNECTIONS:-32}"
HTTP_THREADS="${HTTP_THREADS:-2}"
OUT="${OUT:-/tmp/minga-scifact}"
minga="$root/target/release/minga"
examples="$root/target/release/examples"
results="$OUT/results.jsonl"
work="$OUT/work"

if [[ ! -f "$SCIFACT/docs.jsonl" || ! -f "$SCIFACT/queries.tsv" ]]; then
    echo "no SciFact collection at $SCIFACT (docs.jsonl, queries.tsv): set SCIFACT" >&2
    exit 1
fi
cd "$root"
mkdir -p "$OUT/corpus" "$work"
: >"$results"

echo "== building the release binary and the benchmark examples" >&2
cargo build --release --quiet --bin minga
cargo build --release --quiet -p minga-engine --example querymix --example peer_tantivy

python3 - "$SCIFACT" "$COPIES" "$OUT" <<'PY'
import json, sys
from pathlib import Path
scifact, copies, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
docs = [json.loads(line) for line in (scifact / "docs.jsonl").open(encoding="utf-8") if line.strip()]
with (out / "corpus" / "docs.jsonl").open("w", encoding="utf-8") as f:
    for copy in range(copies):
        for doc in docs:
            f.write(json.dumps(dict(doc, id=f"{doc['id']}-{copy}"), ensure_ascii=False) + "\n")
with (out / "mix.tsv").open("w", encoding="utf-8") as f:
    f.write("# SciFact's queries: category<TAB>query<TAB>parameters\n")
    for line in (scifact / "queries.tsv").open(encoding="utf-8"):
        qid, _, text = line.rstrip("\n").partition("\t")
        if text.strip():
            f.write(f"scifact\t{' '.join(text.split())}\tfacets=all\n")
print(f"{len(docs) * copies} documents, {copies} copies", file=sys.stderr)
PY
python3 bench/wrk-mix.py "$OUT/mix.tsv" "$OUT/mix.lua"

# note SIZE WHAT JSON: appends a result line holding JSON as it is.
note() {
    python3 -c 'import json,sys; print(json.dumps({"size": int(sys.argv[1]), "what": sys.argv[2], "output": json.loads(sys.argv[3])}))' \
        "$1" "$2" "$3" >>"$results"
}
source "$root/bench/load-test.sh"

echo "== indexing" >&2
rm -rf "$work/minga" "$work/tantivy"
start=$EPOCHREALTIME
"$minga" index "$OUT/corpus" --index "$work/minga" --quiet
end=$EPOCHREALTIME
note "$COPIES" minga-index "{\"seconds\": $(python3 -c "print(round($end - $start, 2))")}"
note "$COPIES" tantivy-index "$("$examples/peer_tantivy" index "$OUT/corpus/docs.jsonl" "$work/tantivy")"

echo "== the mix in process, $QUERY_RUNS passes" >&2
note "$COPIES" minga-query "$("$examples/querymix" "$work/minga" "$OUT/mix.tsv" --runs "$QUERY_RUNS")"
note "$COPIES" tantivy-query "$("$examples/peer_tantivy" query "$work/tantivy" "$OUT/mix.tsv" --runs "$QUERY_RUNS")"

load_test "$COPIES" http "$minga" serve --index "$work/minga" --corpus "$OUT/corpus" \
    --addr 127.0.0.1:0 --answer-cache-mb 0
load_test "$COPIES" tantivy-http "$examples/peer_tantivy" serve "$work/tantivy" \
    --addr 127.0.0.1:0

python3 - "$results" <<'PY'
import json, sys
rows = {r["what"]: r["output"] for r in map(json.loads, open(sys.argv[1]))}
print("| SciFact ×10 | Minga | plain tantivy | Minga ÷ tantivy |")
print("| --- | ---: | ---: | ---: |")
for key, label in (("p50_ms", "in process p50 ms"), ("p99_ms", "in process p99 ms")):
    m, t = rows["minga-query"][key], rows["tantivy-query"][key]
    print(f"| {label} | {m:.2f} | {t:.2f} | {m / t:.2f}× |")
for key, label in (("requests_per_second", "HTTP requests/s"), ("p50_ms", "HTTP p50 ms"),
                   ("p99_ms", "HTTP p99 ms")):
    m, t = rows["http"][key], rows["tantivy-http"][key]
    print(f"| {label} | {m:,.1f} | {t:,.1f} | {m / t:.2f}× |")
PY
