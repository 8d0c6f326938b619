#!/usr/bin/env bash
# Schemathesis against a running `minga serve`: every operation of /openapi.json, with the
# write API enabled, fed generated (valid and invalid) requests; the run fails on any 5xx
# and on any answer the description does not allow (status, content type, headers, body).
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]      # default 60 examples per operation
#
# MINGA_SCHEMATHESIS_CHECKS=all adds Schemathesis's stateful and data-acceptance checks
# (positive_data_acceptance: every schema-valid request is accepted; negative_data_rejection:
# every schema-invalid one is refused; ...) to the default conformance checks. One worker:
# the stateful tests of two would create and delete the same example ids under each other.
# scripts/schemathesis.toml says which answers of POST /api/documents depend on a file's
# content rather than on what the description can say.
#
# Needs schemathesis from PyPI (`pip install schemathesis`); installs it if missing. Builds
# the debug binary, copies the shipped corpus to a temporary folder, serves it on a free
# loopback port with an API key, runs Schemathesis, stops the server. Bounded: at most
# MINGA_SCHEMATHESIS_SECONDS (default 600) seconds of testing.
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${1:-60}"
budget="${MINGA_SCHEMATHESIS_SECONDS:-600}"
key="schemathesis-key-$(date +%s)-0123456789"

if ! command -v schemathesis >/dev/null; then
  pip install --quiet schemathesis
fi
cargo build --quiet --bin minga

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cp -r corpus "$work/corpus"
target/debug/minga index "$work/corpus" --index "$work/index" --quiet >/dev/null
MINGA_API_KEY="$key" MINGA_LOG=warn target/debug/minga serve --corpus "$work/corpus" \
  --index "$work/index" --snapshot-dir "$work/snapshots" --addr 127.0.0.1:0 \
  >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "Minga is serving" "$work/serve.out" 2>/dev/null && break
  sleep 0.2
done
base="$(sed -n 's/^Minga is serving \(http[^ ]*\)\/$/\1/p' "$work/serve.out")"
[ -n "$base" ] || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
echo "serving $base; $examples examples per operation, at most $budget s" >&2

status=0
schemathesis --config-file scripts/schemathesis.toml run "$base/openapi.json" \
  --header "Authorization: Bearer $key" \
  --checks "${MINGA_SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance}" \
  --max-examples "$examples" \
  --max-time "$budget" \
  --workers 1 \
  --request-timeout 30 \
  --seed 7 \
  --suppress-health-check all \
  --report junit --report-dir "$work/report" \
  || status=$?

if grep -q "panicked" "$work/serve.log"; then
  echo "the server log has a panic:" >&2
  grep -B2 -A5 "panicked" "$work/serve.log" >&2
  status=1
fi
kill -0 "$server_pid" 2>/dev/null || { echo "the server died during the run" >&2; status=1; }
exit "$status"
