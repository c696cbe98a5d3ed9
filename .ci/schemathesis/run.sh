#!/usr/bin/env bash
# Contract run: schemathesis fuzzes every operation of the mock server, once with the
# third-party OpenAPI description of Harvest v2 (responses checked: no 5xx, status, content
# type, body schema) and once with the project's own emitted document, with every check
# and every phase, positive and negative cases. See README.md beside this file.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

max_examples="${ST_MAX_EXAMPLES:-5}"    # test cases per operation and phase
seed="${ST_SEED:-6}"                    # fixed, so CI replays the same cases
run_timeout="${ST_RUN_TIMEOUT:-300}"    # hard cap per document, seconds
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

# HARVEST_MOCK_BIN names a built mock; otherwise it is built as `cargo test --workspace`
# builds it (the workspace's unified features), so right after CI's test step this is a
# no-op; `cargo build -p harvest-mock` would resolve fewer features and recompile tokio,
# serde, hyper and the rest.
mock_bin="${HARVEST_MOCK_BIN:-}"
if [ -z "$mock_bin" ]; then
  cargo test --workspace --locked --no-run --quiet
  target="${CARGO_TARGET_DIR:-$root/target}"
  case "$target" in /*) ;; *) target="$root/$target" ;; esac
  mock_bin="$target/debug/harvest-mock"
fi
port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
origin="http://127.0.0.1:$port"
"$mock_bin" serve --addr "127.0.0.1:$port" >"$work/mock.log" 2>&1 &
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

# Counts the checks schemathesis records in a VCR cassette read from standard input
# (nothing of the cassette is kept): one line per check name with its passes and failures.
count_checks() {
  awk '
    /^  checks:/ { in_checks = 1; next }
    /^  [a-z_]+:/ { in_checks = 0 }
    in_checks && /^    - name: / { name = $3; gsub("\047", "", name); next }
    in_checks && /^      status: / { status = $2; gsub("\047", "", status); runs[name]++; total++; if (status != "SUCCESS") failed[name]++ }
    END {
      printf "%d checks run", total
      for (n in runs) printf "; %s %d (%d failed)", n, runs[n], failed[n] + 0
      printf "\n"
    }'
}

# One document: back to the seed, ids from the mock, then schemathesis under a hard time cap.
# With ST_HOOKS set (`ST_HOOKS=hooks run_document ...`), schemathesis loads that module from
# this directory (hooks.py: body ids that exist, state rules' own 422s; see README.md).
# Prints schemathesis' own report minus its advisory warnings; returns non-zero on any failure.
# (Called inside `if`, where `set -e` does not apply, so every step checks its own status.)
run_document() {
  local name="$1" document="$2" started status=0 checks_pid
  shift 2
  started=$(date +%s)
  "$py" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="POST"), timeout=60).read()' \
    "$origin/__admin/reset" || return 1
  rm -f "$work/$name.toml" "$work/$name.ids.json"
  "$py" "$here/fixtures.py" "$origin/v2" "$document" "$work/$name.toml" "$work/$name.ids.json" || return 1
  local hooks=()
  if [ -n "${ST_HOOKS:-}" ]; then
    hooks=(env "SCHEMATHESIS_HOOKS=$ST_HOOKS" "PYTHONPATH=$here" "ST_BODY_IDS=$work/$name.ids.json")
  fi
  # The cassette goes through a pipe: it holds every response body, hundreds of megabytes.
  # schemathesis may open it more than once, so the reader reopens it until the run is over.
  local vcr="$work/$name.vcr"
  rm -f "$vcr" "$vcr.done"
  mkfifo "$vcr"
  ( while :; do cat "$vcr"; [ -e "$vcr.done" ] && break; done ) | count_checks >"$work/$name.checks" &
  checks_pid=$!
  (cd "$work" && "${hooks[@]}" timeout --kill-after=10 "$run_timeout" "$venv/bin/st" --config-file "$work/$name.toml" run "$document" \
      --url "$origin/v2" \
      -H 'Authorization: Bearer schemathesis' -H 'Harvest-Account-Id: 1' \
      -H 'User-Agent: harvest-ci schemathesis (ci@example.invalid)' \
      "$@" --max-examples "$max_examples" --seed "$seed" --workers 1 --request-timeout 10 \
      --report vcr --report-vcr-path "$vcr" \
      --continue-on-failure --generation-database none --no-color) >"$work/$name.log" 2>&1 || status=$?
  # The reader waits to open the pipe again: open it once more to let it see the end.
  touch "$vcr.done"
  timeout 10 sh -c ': >"$1"' sh "$vcr" || true
  wait "$checks_pid" 2>/dev/null || true
  rm -f "$vcr" "$vcr.done"
  awk '/^=+ WARNINGS =+$/ {skip = 1; next} /^=+ [A-Z]+ =+$/ {skip = 0} !skip' "$work/$name.log"
  if [ "$status" -eq 124 ]; then echo "schemathesis: $name hit the ${run_timeout}s cap"; fi
  summary+=("$name: exit $status in $(($(date +%s) - started)) s; $(grep -m1 -E '^ +[0-9]+ generated' "$work/$name.log" | sed 's/^ *//' || echo 'no cases counted')")
  summary+=("$name: $(cat "$work/$name.checks" 2>/dev/null || echo 'no checks counted')")
  # hooks.py's filter_failure: state rules' own 422s, which schemathesis counts apart.
  if grep -q 'dropped by `filter_failure`' "$work/$name.log"; then
    summary+=("$name: $(grep -m1 -o '[0-9]* (dropped by `filter_failure`)' "$work/$name.log") = a state rule's own 422 (hooks.py STATE_RULES)")
  fi
  return "$status"
}

summary=()
passed=0
failed=0
"$py" "$here/apply_exceptions.py" "$third_party" "$here/exceptions.yaml" "$work/third-party.json"
# The third-party document: responses only, for requests valid under it (its schemas
# omit constraints Harvest enforces, so its negative cases would test the document).
if run_document third-party "$work/third-party.json" --mode positive \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
# Our own document: nothing switched off. Every check, every phase, positive and negative.
if ST_HOOKS=hooks run_document own "$own" --mode all --checks all --phases examples,coverage,fuzzing,stateful; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== schemathesis summary (documents; max $max_examples examples per operation and phase, seed $seed)"
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "-- last lines of the mock's log"
  tail -n 20 "$work/mock.log"
  echo "full logs: $work/*.log"
fi
echo "schemathesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
