# shellcheck shell=bash
# The HTTP load test shared by bench/run.sh and bench/scifact-http.sh; sourced, it needs
# `note SIZE WHAT JSON` (appends a result line), $work (a scratch folder), $OUT (holding
# mix.lua, from bench/wrk-mix.py), HTTP_SECONDS, HTTP_CONNECTIONS and HTTP_THREADS, and wrk
# and curl on the PATH.

# load_test SIZE WHAT COMMAND...: starts the HTTP server COMMAND (which prints "… is serving
# URL/" once listening), warms it with one pass of the mix, then runs wrk for HTTP_SECONDS with
# HTTP_CONNECTIONS connections cycling through the mix, sampling the server's RSS every second,
# and appends the result (wrk's figures, RSS idle, warm, under load and peak) as WHAT.
load_test() {
    local size="$1" what="$2"
    shift 2
    echo "== x$size: HTTP ($what), wrk -t$HTTP_THREADS -c$HTTP_CONNECTIONS -d${HTTP_SECONDS}s" >&2
    "$@" >"$work/serve.out" 2>"$work/serve.err" &
    local server=$! url=""
    for _ in $(seq 600); do
        url="$(sed -n 's|.* is serving \(http://[^/]*\)/.*|\1|p' "$work/serve.out")"
        [[ -n "$url" ]] && curl -sf "$url/api/search?q=agua" >/dev/null 2>&1 && break
        sleep 0.1
    done
    if [[ -z "$url" ]]; then
        echo "the server did not start: $(cat "$work/serve.err")" >&2
        kill "$server" 2>/dev/null || true
        exit 1
    fi
    local idle warm hwm load sampler
    idle="$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")"
    # One pass of the mix, so the first timed requests do not pay for cold caches.
    wrk -t1 -c1 -d2s -s "$OUT/mix.lua" "$url" >/dev/null
    warm="$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")"
    : >"$work/rss-samples"
    (while kill -0 "$server" 2>/dev/null; do
        awk '/^VmRSS/ {print $2}' "/proc/$server/status" >>"$work/rss-samples" 2>/dev/null
        sleep 1
    done) &
    sampler=$!
    wrk -t"$HTTP_THREADS" -c"$HTTP_CONNECTIONS" -d"${HTTP_SECONDS}s" --timeout 10s \
        -s "$OUT/mix.lua" "$url" >"$work/wrk.out"
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    hwm="$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")"
    kill "$server"
    wait "$server" 2>/dev/null || true
    load="$(grep '^{' "$work/wrk.out" | tail -n 1)"
    note "$size" "$what" "$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); rss=[int(x) for x in open(sys.argv[2]).read().split()]; s.update(connections=int(sys.argv[6]), threads=int(sys.argv[7]), rss_idle_kb=int(sys.argv[3]), rss_warm_kb=int(sys.argv[4]), rss_load_max_kb=max(rss or [0]), rss_load_median_kb=sorted(rss)[len(rss)//2] if rss else 0, rss_hwm_kb=int(sys.argv[5])); print(json.dumps(s))' \
        "$load" "$work/rss-samples" "$idle" "$warm" "$hwm" "$HTTP_CONNECTIONS" "$HTTP_THREADS")"
}
