#!/usr/bin/env bash
# Runs the browser test (consent.test.mjs: the mock's Harvest ID consent page
# approved in headless Chromium) against the built binary. Needs Node 18 or
# newer and Debian's `chromium` (.ci/run installs both when missing; set
# CHROMIUM_BIN for another build). Installs puppeteer-core, which downloads no
# browser, from package-lock.json into tests/browser/node_modules once.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tests/browser: node and npm are needed on PATH (apt-get install nodejs npm)" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
  echo "tests/browser: Node 18 or newer is needed, this is $(node --version)" >&2
  exit 1
fi
chromium_bin="${CHROMIUM_BIN:-$(command -v chromium || true)}"
if [ -z "$chromium_bin" ] || [ ! -x "$chromium_bin" ]; then
  echo "tests/browser: chromium is not installed (apt-get install chromium, or set CHROMIUM_BIN)" >&2
  exit 1
fi

# Reinstall only when the lock file changed since the last install.
stamp="$here/node_modules/.harvest-lock-sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "== installing puppeteer-core from tests/browser/package-lock.json"
  (cd "$here" && PUPPETEER_SKIP_DOWNLOAD=1 timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi

# The binary as `cargo test --workspace` builds it, so this is a no-op right after CI's test step.
cargo test --workspace --locked --no-run --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
HARVEST_MOCK_BIN="${HARVEST_MOCK_BIN:-$target/debug/harvest-mock}" CHROMIUM_BIN="$chromium_bin" \
  timeout --kill-after=10 300 node --test --test-reporter=spec "$here/consent.test.mjs"
