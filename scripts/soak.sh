#!/usr/bin/env bash
# Soak test: search load and write load together against a release build of `minga serve`,
# for a bounded time, then a restart: zero 5xx, zero lost writes, memory sampled every 10 s.
#
#   scripts/soak.sh [SECONDS] [SEARCHERS] [WRITERS]     # default 300 s, 4 searchers, 2 writers
#
# Builds the release binary, copies the shipped corpus to a temporary folder, serves it on a
# free loopback port with an API key, runs scripts/soak.py (Python 3, standard library), then
# stops the server with SIGTERM, starts it again and checks every acknowledged write once
# more. Prints the figures (requests, statuses, latencies, VmRSS start/peak/end) as JSON and
# keeps them in target/soak-report.json. Exits 1 on any 5xx, failed request or lost write.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-300}"
searchers="${2:-4}"
writers="${3:-2}"
key="soak-key-$(date +%s)-0123456789abcdef"

cargo build --release --quiet --bin minga
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cp -r corpus "$work/corpus"
target/release/minga index "$work/corpus" --index "$work/index" --quiet >/dev/null

start_server() {
  : >"$work/serve.out"
  MINGA_API_KEY="$key" MINGA_LOG=warn target/release/minga serve --corpus "$work/corpus" \
    --index "$work/index" --addr 127.0.0.1:0 >"$work/serve.out" 2>>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 1 200); do
    grep -q "Minga is serving" "$work/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  base="$(sed -n 's/^Minga is serving \(http[^ ]*\)\/$/\1/p' "$work/serve.out")"
  [ -n "$base" ] || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
}

start_server
echo "soak: $seconds s, $searchers searchers, $writers writers against $base (pid $server_pid)" >&2
status=0
python3 scripts/soak.py --base "$base" --key "$key" --pid "$server_pid" --seconds "$seconds" \
  --searchers "$searchers" --writers "$writers" --report "$work/report.json" || status=$?

# Stop (SIGTERM: requests in flight finish), start again, check every write once more.
kill -TERM "$server_pid"
wait "$server_pid" || { echo "the server did not exit cleanly" >&2; status=1; }
server_pid=""
start_server
python3 scripts/soak.py --base "$base" --key "$key" --pid "$server_pid" \
  --verify-only "$work/report.json" || status=$?

mkdir -p target
cp "$work/report.json" target/soak-report.json
if grep -q "panicked" "$work/serve.log"; then
  echo "the server log has a panic:" >&2
  grep -A5 "panicked" "$work/serve.log" >&2
  status=1
fi
exit "$status"
