# syntax=docker/dockerfile:1
#
# actions-runner-manager: build with Node 24, run on distroless Node 24 as uid 65532 (nonroot).
#
#   docker build -t actions-runner-manager .
#   docker run --rm --read-only --tmpfs /tmp -p 8443:8443 \
#     -v "$PWD/config.yml:/etc/actions-runner-manager/config.yml:ro" \
#     -v "$PWD/app.pem:/etc/actions-runner-manager/private-key.pem:ro" \
#     -e ARM_PRIVATE_KEY_FILE=/etc/actions-runner-manager/private-key.pem \
#     actions-runner-manager
#
# The image is meant to run with a read-only root filesystem. Only /tmp, and the log directory when file logging
# is on, need to be writable: mount an emptyDir (Kubernetes) or a tmpfs (docker --tmpfs) there. In containers set
# `logging.ephemeral: true` (JSON on stdout only, collected by the runtime), or mount a writable volume at
# `logging.logDirectory` (default /var/log/actions-runner-manager). The config file is found at --config PATH,
# $CONFIG_PATH, or /etc/actions-runner-manager/config.yml.
#
# There is no shell in the final image: probe with HTTP GET /healthz (liveness) and /readyz (readiness), and use
# Kubernetes' `lifecycle.preStop.sleep` rather than an exec hook. CI lints this file with dockerfilelint and
# scripts/check-dockerfile.mjs.
#
# Both base images are pinned by digest (a multi-platform index: linux/amd64 and linux/arm64); Renovate
# (renovate.json) proposes the new digest when the tag moves. The release workflow passes VERSION and REVISION
# (.github/workflows/release.yml); a local build gets package.json's version from the default below, which
# test/unit/release/one-version.test.ts keeps equal to it.

# ---- build: compile TypeScript, then keep only the production dependencies ----
# On the builder's own platform: the output is JavaScript, and no production dependency has a native addon (the
# RUN below fails the build if one ever does), so an arm64 image needs no emulated npm ci. node:24.21.0.
FROM --platform=$BUILDPLATFORM node:24-bookworm-slim@sha256:d6aa754f16b3197301076f047b5def2f02ea1dbbc2ca920407d46d7ec7f87b20 AS build
WORKDIR /app
# No install scripts: nothing we depend on needs one to work (the only one is swagger-ui-dist's telemetry).
ENV npm_config_ignore_scripts=true \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs ./scripts/
COPY src/ ./src/
RUN npm run build && npm prune --omit=dev
# A native addon built here would be for the builder's platform, not the image's (see --platform above).
RUN if find node_modules -name '*.node' | grep -q .; then echo 'native addon in production dependencies' >&2; exit 1; fi

# ---- runtime: distroless, non-root, no shell, no package manager ----
FROM gcr.io/distroless/nodejs24-debian13:nonroot@sha256:9eeb7f5887d0e239e78264b06f7f11d2e14be534050481803a9e4728fcdd278e
WORKDIR /app
ENV NODE_ENV=production
# V8's heap, sized for a container: left to itself on a large node, V8 lets the heap grow to about four
# times the live data between collections (about 230 MB of RSS under `npm run bench`'s load, against 35 MB
# of live data). These keep RSS near 115 MB under the same load at the same CPU per request, well inside the
# chart's 256Mi limit. `npm run bench` runs the server with this very line. Override with NODE_OPTIONS.
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=2"
# package.json's "type": "module" is what makes dist/*.js load as ES modules.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time from dist/http/openapi.js as ../../openapi.yaml, and served as /api/v1/openapi.yaml.
COPY openapi.yaml ./openapi.yaml
USER 65532:65532
EXPOSE 8443
# The image's entrypoint is node itself.
CMD ["dist/main.js"]

# Last, so that a new revision changes no layer above. VERSION's default is package.json's version.
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="actions-runner-manager" \
      org.opencontainers.image.description="Lets the maintainers of a GitHub team manage their own self-hosted runner group, through a GitHub App" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/actions-runner-manager/actions-runner-manager" \
      org.opencontainers.image.url="https://github.com/actions-runner-manager/actions-runner-manager" \
      org.opencontainers.image.licenses="MIT"
