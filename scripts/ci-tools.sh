#!/usr/bin/env bash
# Installs, once, the third-party checkers the CI-format tests validate vnetlab's reports with
# (idempotent; scripts/test.sh runs it):
#   - Python `jsonschema` (PyPI) and the SARIF 2.1.0 JSON schema shipped in Microsoft's npm
#     package @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json);
#   - Python `junitparser` (PyPI), a JUnit XML reader used by CI report tooling;
#   - `check-jsonschema` (PyPI), whose vendored GitHub-workflow and Azure-Pipelines schemas check
#     the README's pipeline examples.
# The schema is unpacked into ${VNETLAB_CI_TOOLS:-$HOME/.cache/vnetlab-ci}.
set -euo pipefail
dir="${VNETLAB_CI_TOOLS:-$HOME/.cache/vnetlab-ci}"
mkdir -p "$dir"
want='jsonschema==4.26.0 junitparser==5.0.3 check-jsonschema==0.39.0'
have="$(python3 -m pip list --format=freeze 2>/dev/null | tr '[:upper:]' '[:lower:]' || true)"
for pkg in $want; do
  if ! grep -qx "$pkg" <<<"$have"; then
    # shellcheck disable=SC2086
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore $want
    break
  fi
done
schema="$dir/sarif-2.1.0-rtm.5.json"
if [ ! -s "$schema" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null)
  tar -xzf "$tmp"/microsoft-jest-sarif-*.tgz -C "$tmp" package/lib/schemas/sarif-2.1.0-rtm.5.json
  mv "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
  rm -rf "$tmp"
fi
echo "CI checkers ready: $schema, python3 jsonschema, junitparser, check-jsonschema"
