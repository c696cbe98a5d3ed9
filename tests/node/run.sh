#!/usr/bin/env bash
# Runs the Node example (harness.test.mjs: the mock binary as a process, with
# node:test and no npm dependencies) against the built binary. Needs Node 20
# or newer on PATH (.ci/run installs the `nodejs` package when it is missing).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if ! command -v node >/dev/null 2>&1; then
  echo "tests/node: node is not on PATH (apt-get install nodejs, or see https://nodejs.org)" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "tests/node: Node 20 or newer is needed, this is $(node --version)" >&2
  exit 1
fi

# The binary as `cargo test --workspace` builds it, so this is a no-op right after CI's test step.
cargo test --workspace --locked --no-run --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
HARVEST_MOCK_BIN="${HARVEST_MOCK_BIN:-$target/debug/harvest-mock}" \
  timeout --kill-after=10 300 node --test --test-reporter=spec "$here/harness.test.mjs"
