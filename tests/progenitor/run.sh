#!/usr/bin/env bash
# Generates a Rust client with progenitor (from crates.io) from our OpenAPI 3.0.3 export,
# generated-client/api/openapi-3.0.json, compiles it and runs its test against the mock
# binary. The crate is its own workspace with its own Cargo.lock, so `cargo test
# --workspace` never compiles progenitor; this script shares the workspace's target
# directory, so dependencies both use are built once.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# The binary as `cargo test --workspace` builds it, so this is a no-op right after CI's test step.
cargo test --workspace --locked --no-run --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac

start=$(date +%s)
HARVEST_MOCK_BIN="$target/debug/harvest-mock" timeout 1200 \
  cargo test --manifest-path "$here/Cargo.toml" --locked --target-dir "$target"
echo "progenitor: generated, compiled and tested in $(( $(date +%s) - start )) s"
