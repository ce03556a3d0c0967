#!/usr/bin/env bash
# Lints the Dockerfile without a Docker engine: dockerfilelint (its exit code is the number of issues) and our
# own image policy (scripts/check-dockerfile.mjs, which first proves on bad examples that each rule bites).
#   bash scripts/lint-dockerfile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# renovate: datasource=npm depName=dockerfilelint
DOCKERFILELINT_VERSION=1.8.0

status=0
node scripts/check-dockerfile.mjs --self-test || status=1
node scripts/check-dockerfile.mjs Dockerfile || status=1

# The devDependency when the lockfile has it; else the same pinned version through npx.
if [ -x node_modules/.bin/dockerfilelint ]; then
  lint=(node_modules/.bin/dockerfilelint)
else
  lint=(npx --yes "dockerfilelint@${DOCKERFILELINT_VERSION}")
fi
if out=$("${lint[@]}" Dockerfile 2>&1); then
  echo "PASS dockerfilelint: Dockerfile, no issues"
else
  rc=$?
  echo "$out"
  echo "FAIL dockerfilelint: Dockerfile, ${rc} issue(s)"
  status=1
fi
exit "$status"
