#!/usr/bin/env bash
# Contract run: schemathesis fuzzes every operation of the mock server, once with the
# third-party OpenAPI description of Harvest v2 and once with the project's own emitted
# document, and fails on any 5xx or any response outside the document (status code,
# content type, body schema). See README.md beside this file.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

max_examples="${ST_MAX_EXAMPLES:-5}"    # test cases per operation and phase
seed="${ST_SEED:-6}"                    # fixed, so CI replays the same cases
run_timeout="${ST_RUN_TIMEOUT:-240}"    # hard cap per document, seconds
# The third-party document: HARVEST_OPENAPI_DOC, else the shared reference beside
# the project, else the copy kept here (see third-party/README.md).
vendored="$here/third-party/harvest-openapi.yaml"
shared_doc="$root/../shared/reference/third-party/harvest-openapi.yaml"
if [ -n "${HARVEST_OPENAPI_DOC:-}" ]; then
  third_party="$HARVEST_OPENAPI_DOC"
elif [ -f "$shared_doc" ]; then
  third_party="$shared_doc"
  cmp -s "$shared_doc" "$vendored" || echo "schemathesis: note: $shared_doc differs from $vendored; refresh the copy"
else
  third_party="$vendored"
fi
own="$root/generated-client/api/openapi.json"
work="$root/target/schemathesis"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/harvest-schemathesis/$(sha256sum "$here/requirements.txt" | cut -c1-16)"
mkdir -p "$work"

if [ ! -f "$third_party" ]; then
  echo "schemathesis: third-party document not found at $third_party (set HARVEST_OPENAPI_DOC)" >&2
  exit 1
fi

if ! "$venv/bin/st" --version >/dev/null 2>&1; then
  echo "== installing schemathesis into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  timeout 600 "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
py="$venv/bin/python"
"$venv/bin/st" --version

# Built as `cargo test --workspace` builds it (the workspace's unified features), so right
# after CI's test step this is a no-op; `cargo build -p harvest-mock` would resolve fewer
# features and recompile tokio, serde, hyper and the rest.
cargo test --workspace --locked --no-run --quiet
port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
origin="http://127.0.0.1:$port"
target/debug/harvest-mock serve --addr "127.0.0.1:$port" >"$work/mock.log" 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true' EXIT
trap 'exit 143' INT TERM

"$py" - "$origin/__admin/health" <<'EOF'
import sys, time, urllib.request
for _ in range(600):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("schemathesis: the mock did not answer /__admin/health within 60 s")
EOF

# One document: back to the seed, ids from the mock, then schemathesis under a hard time cap.
# Prints schemathesis' own report minus its advisory warnings; returns non-zero on any failure.
# (Called inside `if`, where `set -e` does not apply, so every step checks its own status.)
run_document() {
  local name="$1" document="$2" started status=0
  started=$(date +%s)
  "$py" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="POST"), timeout=60).read()' \
    "$origin/__admin/reset" || return 1
  rm -f "$work/$name.toml"
  "$py" "$here/fixtures.py" "$origin/v2" "$document" "$work/$name.toml" || return 1
  (cd "$work" && timeout --kill-after=10 "$run_timeout" "$venv/bin/st" --config-file "$work/$name.toml" run "$document" \
      --url "$origin/v2" \
      -H 'Authorization: Bearer schemathesis' -H 'Harvest-Account-Id: 1' \
      -H 'User-Agent: harvest-ci schemathesis (ci@example.invalid)' \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --mode positive --max-examples "$max_examples" --seed "$seed" --workers 1 --request-timeout 10 \
      --continue-on-failure --generation-database none --no-color) >"$work/$name.log" 2>&1 || status=$?
  awk '/^=+ WARNINGS =+$/ {skip = 1; next} /^=+ [A-Z]+ =+$/ {skip = 0} !skip' "$work/$name.log"
  if [ "$status" -eq 124 ]; then echo "schemathesis: $name hit the ${run_timeout}s cap"; fi
  summary+=("$name: exit $status in $(($(date +%s) - started)) s; $(grep -m1 -E '^ +[0-9]+ generated' "$work/$name.log" | sed 's/^ *//' || echo 'no cases counted')")
  return "$status"
}

summary=()
passed=0
failed=0
"$py" "$here/apply_exceptions.py" "$third_party" "$here/exceptions.yaml" "$work/third-party.json"
if run_document third-party "$work/third-party.json"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if run_document own "$own"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== schemathesis summary (documents; max $max_examples examples per operation and phase, seed $seed)"
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "-- last lines of the mock's log"
  tail -n 20 "$work/mock.log"
  echo "full logs: $work/*.log"
fi
echo "schemathesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
