#!/bin/sh
# Mints a runner registration token for a team with actions-runner-manager and writes it to a file (mode 0600,
# exactly the token, no newline), for `./config.sh --token "$(cat FILE)"` or NixOS' tokenFile. Any CI system.
#
#   usage: mint-token.sh TEAM FILE
#   environment: ACTIONS_RUNNER_MANAGER_URL  the service, e.g. https://runners.example.com
#                GITHUB_TOKEN or GITHUB_TOKEN_FILE  a token of an active maintainer of TEAM (a CI secret)
#
# It fails loudly: when the service refuses or cannot be reached it exits non-zero with the client's exit code
# (3 not authenticated, 4 refused, 5 not found, 7 rate-limited, 8 the service or GitHub failing, 9 cannot
# connect; see `actions-runner-manager --help`), says why on stderr, and leaves FILE as it was. The client
# retries 429, 502, 503, 504 and dropped connections by itself, within --max-wait.
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 TEAM FILE" >&2
  exit 2
fi
team=$1
file=$2
: "${ACTIONS_RUNNER_MANAGER_URL:?set ACTIONS_RUNNER_MANAGER_URL to the service, e.g. https://runners.example.com}"

# The caller's token never goes on a command line (ps, shell history): from a file, or from $GITHUB_TOKEN.
if [ -n "${GITHUB_TOKEN_FILE:-}" ]; then
  set -- --token-file "$GITHUB_TOKEN_FILE"
elif [ -n "${GITHUB_TOKEN:-}" ]; then
  set --
else
  echo "mint-token: set GITHUB_TOKEN or GITHUB_TOKEN_FILE to a token of a maintainer of team $team" >&2
  exit 3
fi

status=0
actions-runner-manager token-register --team "$team" --out "$file" "$@" || status=$?
case $status in
  0) ;;
  2 | 3 | 4 | 5 | 6) echo "mint-token: refused (exit $status); trying again will not help: see the message above" >&2 ;;
  *) echo "mint-token: failed (exit $status); the service or GitHub may be unavailable: try again later" >&2 ;;
esac
if [ "$status" -eq 0 ] && [ ! -s "$file" ]; then
  echo "mint-token: $file is empty" >&2
  status=1
fi
exit "$status"
