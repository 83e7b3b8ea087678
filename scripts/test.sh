#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, native tests, and the browser app's build
# and end-to-end tests in headless Chromium (set SKIP_WEB=1 to skip the browser part).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

echo "== CI-format checkers (SARIF schema, JUnit parser)"
./scripts/ci-tools.sh

echo "== cargo test"
cargo test --workspace

if [ "${SKIP_WEB:-0}" != "1" ]; then
  echo "== web app: build and browser tests"
  ./.ci/web.sh
fi
