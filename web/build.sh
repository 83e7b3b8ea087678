#!/usr/bin/env bash
# Build the web app into web/dist:
#   cargo (wasm32-unknown-unknown, release) -> wasm-opt -Oz -> wasm-bindgen --target web
# wasm-opt runs BEFORE wasm-bindgen: Debian's binaryen (108) cannot parse
# wasm-bindgen's output (table.fill). Needs: the wasm32-unknown-unknown target,
# wasm-bindgen-cli at the exact wasm-bindgen version in Cargo.lock, and
# optionally wasm-opt (skipped with a warning if missing, or with NO_WASM_OPT=1),
# and npm (web/package.json: elkjs, CodeMirror and esbuild, installed with npm ci).
# .ci/web.sh installs all of that.
set -euo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$WEB")"
DIST="$WEB/dist"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/vnetlab-web.wasm"

cd "$ROOT"
cargo build --release --target wasm32-unknown-unknown -p vnetlab-web --bin vnetlab-web

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
INPUT="$RAW"
if [[ "${NO_WASM_OPT:-0}" != 1 ]] && command -v wasm-opt >/dev/null; then
  # rustc's wasm32 target enables these post-MVP features by default.
  wasm-opt -Oz \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$RAW" -o "$WORK/opt.wasm"
  INPUT="$WORK/opt.wasm"
elif [[ "${NO_WASM_OPT:-0}" != 1 ]]; then
  echo "build.sh: wasm-opt not found, skipping optimisation" >&2
fi

rm -rf "$DIST"
mkdir -p "$DIST"
wasm-bindgen --target web --no-typescript --out-dir "$DIST" --out-name app "$INPUT"
cp "$WEB/index.html" "$WEB/style.css" "$DIST/"

# The JavaScript parts (ELK's layout, the editor), from npm, bundled offline by esbuild.
if [[ ! -d "$WEB/node_modules" || "$WEB/package-lock.json" -nt "$WEB/node_modules/.package-lock.json" ]]; then
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd "$WEB" && npx --no-install esbuild js/vendor.mjs --bundle --format=iife --minify \
  --legal-comments=external --log-level=warning --outfile="$DIST/vendor.js")
cp "$WEB/node_modules/elkjs/lib/elk-worker.min.js" "$DIST/"

size() { stat -c %s "$1"; }
echo "build.sh: $(size "$RAW") B raw -> $(size "$DIST/app_bg.wasm") B in dist/app_bg.wasm" \
  "($(gzip -9c "$DIST/app_bg.wasm" | wc -c) B gzipped)"
