#!/usr/bin/env bash
# Serve web/dist (built by web/build.sh) on http://127.0.0.1:PORT/ (default 8080).
# Usage: web/serve.sh [PORT]
set -euo pipefail

DIST="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/dist"
PORT="${1:-8080}"
if [[ ! -f "$DIST/index.html" ]]; then
  echo "serve.sh: $DIST/index.html missing; run web/build.sh first" >&2
  exit 1
fi
echo "serve.sh: http://127.0.0.1:$PORT/" >&2
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$DIST"
