#!/usr/bin/env bash
# Web app CI: idempotent setup, build web/dist, run the browser end-to-end tests.
# Safe to re-run; each setup step is skipped when already satisfied.
# Exits non-zero on any failure.
#
#   .ci/web.sh            setup + build + e2e
#   SKIP_SETUP=1 .ci/web.sh   build + e2e only
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

START=$SECONDS
step() { echo "==> [web $((SECONDS - START))s] $*"; }
die() { echo "web.sh: error: $*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

setup() {
  step "rust target wasm32-unknown-unknown"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi

  step "apt packages: chromium chromium-driver binaryen"
  local missing=()
  for pkg in chromium chromium-driver binaryen; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    step "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
  [[ -x "$CHROMIUM" ]] || die "$CHROMIUM not found"

  # wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
  local want have
  want="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  [[ -n "$want" ]] || die "wasm-bindgen not found in Cargo.lock"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
  step "wasm-bindgen-cli $want (have: ${have:-none})"
  if [[ "$have" != "$want" ]]; then
    # --locked can fail here (its lockfile may pin a crate version the
    # registry lacks); then retry without it.
    cargo install wasm-bindgen-cli --version "=$want" --locked \
      || cargo install wasm-bindgen-cli --version "=$want"
    have="$(wasm-bindgen --version | awk '{ print $2 }')"
    [[ "$have" == "$want" ]] || die "wasm-bindgen is $have after install, want $want"
  fi

  step "node, npm, python3"
  command -v python3 >/dev/null || die "python3 not found"
  command -v node >/dev/null && command -v npm >/dev/null || die "node and npm (node >= 20) are required"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= 20)) || die "node >= 20 required (playwright-core), found $(node --version)"

  step "npm ci (web/e2e: playwright-core only, no browser download)"
  (cd web/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
}

if [[ "${SKIP_SETUP:-0}" != 1 ]]; then
  setup
fi

step "build web/dist"
web/build.sh

step "e2e tests"
(cd web/e2e && npm test)

step "done"
