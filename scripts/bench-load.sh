#!/usr/bin/env bash
# Issue #14 point 4: loading a design from JSON (load, validate, build: `vnetlab check`) beside
# Python's `json.load` of the same file, in the same run on the same machine; and the same
# design as YAML. Usage: scripts/bench-load.sh [t1|t2|t3] [runs]   (default t3, 3 runs)
# Figures go to docs/performance.md ("Load + validate + build").
set -euo pipefail
workload="${1:-t3}"
runs="${2:-3}"
cd "$(dirname "$0")/.."
cargo build -q --release -p vnetlab
bin=target/release/vnetlab
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$bin" generate --workload "$workload" --format json > "$dir/design.json"
"$bin" generate --workload "$workload" > "$dir/design.yaml"
echo "$workload: JSON $(wc -c < "$dir/design.json") bytes, YAML $(wc -c < "$dir/design.yaml") bytes"
best() { # best wall time in seconds of `runs` runs of the command
    local best=""
    for _ in $(seq "$runs"); do
        local s e t
        s=$(date +%s.%N)
        "$@" > /dev/null || [ $? -eq 1 ] # `check` exits 1 when an expectation fails
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    echo "$best"
}
echo "python3 json.load (JSON):          $(best python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/design.json") s"
echo "vnetlab check (JSON: load, validate, build, expectations): $(best "$bin" check "$dir/design.json") s"
echo "vnetlab check (YAML):              $(best "$bin" check "$dir/design.yaml") s"
