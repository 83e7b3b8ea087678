#!/usr/bin/env bash
# Runs the fuzz targets: ./fuzz/run.sh [SECONDS] [TARGET…] (default 30 s each, every target).
# The corpus starts from the bundled topologies, the bad files of the tests and the saved
# regressions (fuzz/regressions/TARGET/), and grows in target/fuzz-corpus/ (not committed).
# A crash fails the run; libFuzzer leaves the input in fuzz/artifacts/TARGET/ — make it a
# regression test and copy it to fuzz/regressions/TARGET/. Needs nightly and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(load query mutate service_tags import_arm import_terraform)
fi
for t in "${targets[@]}"; do
  corpus="target/fuzz-corpus/$t"
  mkdir -p "$corpus"
  case "$t" in
    load) cp -n topologies/*.yaml topologies/broken/*.yaml tests/bad/* "$corpus/" ;;
    service_tags) cp -n ../shared/data/service-tags*.json "$corpus/" 2>/dev/null || true ;;
    query) for e in internet vm ml/training 10.0.0.4 "service:Storage" "ml/*" 10.1.0.0/16; do
             printf '%s\n%s' "$e" "$e" > "$corpus/seed-$(printf '%s' "$e" | tr -c 'a-zA-Z0-9' _)"; done ;;
    mutate) printf '\x00\x01\x00\x00\x05' > "$corpus/seed-0"; printf '\x01\x20\x00\x06\x03' > "$corpus/seed-1" ;;
    import_arm) find tests/fixtures/import/arm -name '*.json' -exec cp -n {} "$corpus/" \; ;;
    import_terraform) i=0; for f in $(find tests/fixtures/import/terraform -name '*.tf' -o -name '*.json' | sort); do
                        i=$((i + 1)); case "$f" in *.json) p='\x01' ;; *) p='\x00' ;; esac
                        { printf "$p"; cat "$f"; } > "$corpus/seed-$i"; done ;;
  esac
  if [ -d "fuzz/regressions/$t" ]; then cp -n fuzz/regressions/"$t"/* "$corpus/" 2>/dev/null || true; fi
  echo "== fuzz $t for ${secs}s"
  (cd fuzz && cargo +nightly fuzz run "$t" "../$corpus" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=0)
done
