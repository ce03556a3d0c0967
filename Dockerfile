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
# Kubernetes' `lifecycle.preStop.sleep` rather than an exec hook. Pin both base images by digest in production
# (e.g. with Renovate); CI lints this file with dockerfilelint and scripts/check-dockerfile.mjs.

# ---- build: compile TypeScript, then keep only the production dependencies ----
FROM node:24-bookworm-slim AS build
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

# ---- runtime: distroless, non-root, no shell, no package manager ----
FROM gcr.io/distroless/nodejs24-debian13:nonroot
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
