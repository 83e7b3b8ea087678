#!/usr/bin/env bash
# Issue #14 point 4: loading a design from JSON (load, validate, build) beside Python's
# `json.load` of the same file, in the same run on the same machine; and the same design as
# YAML. Load + validate + build alone is the example `core/examples/load.rs` (best of `runs`,
# each step timed, wall clock and processor time); `vnetlab check` adds the expectations.
# Usage: scripts/bench-load.sh [t1|t2|t3] [runs]   (default t3, 3 runs)
# Figures go to docs/performance.md ("Load + validate + build").
set -euo pipefail
workload="${1:-t3}"
runs="${2:-3}"
cd "$(dirname "$0")/.."
cargo build -q --release -p vnetlab
cargo build -q --release -p vnetlab-core --example load
bin=target/release/vnetlab
load=target/release/examples/load
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$bin" generate --workload "$workload" --format json > "$dir/design.json"
"$bin" generate --workload "$workload" > "$dir/design.yaml"
echo "$workload: JSON $(wc -c < "$dir/design.json") bytes, YAML $(wc -c < "$dir/design.yaml") bytes"
best() { # best wall time of `runs` runs of the command, with that run's processor time
    local best="" cpu=""
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S" -o "$dir/time" "$@" > /dev/null || [ $? -eq 1 ] # `check` exits 1 when an expectation fails
        read -r t u s < <(tail -1 "$dir/time")
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then
            best=$t
            cpu=$(echo "$u + $s" | bc)
        fi
    done
    echo "$best s (processor $cpu s)"
}
echo "python3 json.load (JSON):                     $(best python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/design.json")"
echo "load + validate + build (JSON), examples/load:"
"$load" "$dir/design.json" "$runs" | sed 's/^/    /'
echo "load + validate + build (YAML), examples/load:"
"$load" "$dir/design.yaml" "$runs" | sed 's/^/    /'
echo "vnetlab check (JSON: load, validate, build, expectations): $(best "$bin" check "$dir/design.json")"
echo "vnetlab check (YAML):                         $(best "$bin" check "$dir/design.yaml")"
