#!/usr/bin/env bash
# Runs the Python suites in this folder against the mock binary: the agent
# connector's own package in hosted mode (test_hosted_connector.py) and the
# example of a suite driving the binary as a process (test_example_harness.py).
# Installs the pinned requirements into a cached virtualenv first.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

venv="${XDG_CACHE_HOME:-$HOME/.cache}/harvest-python-tests/$(sha256sum "$here/requirements.txt" | cut -c1-16)"
if ! "$venv/bin/pytest" --version >/dev/null 2>&1; then
  echo "== installing the Python test requirements into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  timeout 600 "$venv/bin/pip" install --quiet --disable-pip-version-check --ignore-requires-python -r "$here/requirements.txt"
fi

# The binary as `cargo test --workspace` builds it, so this is a no-op right after CI's test step.
cargo test --workspace --locked --no-run --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
HARVEST_MOCK_BIN="$target/debug/harvest-mock" timeout 600 "$venv/bin/pytest" -q "$here"
