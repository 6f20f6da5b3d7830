# syntax=docker/dockerfile:1
# agentkernel server image: builds the CLI (and the server it starts) in a full workspace, then ships only the
# CLI's production install on a slim Node runtime, run as the unprivileged `node` user.
#
#   docker build -t ghcr.io/agentkernel/agentkernel:0.1.0 .
#   docker run -p 18888:18888 -e AGENTKERNEL_API_KEY_FILE=/run/secrets/api_key ghcr.io/agentkernel/agentkernel:0.1.0
#
# The base is pinned by tag and by digest (the multi-arch index digest published for node:20.20.2-bookworm-slim);
# bump both together: `docker buildx imagetools inspect node:20.20.2-bookworm-slim`.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

FROM ${NODE_IMAGE} AS build
ENV CI=true COREPACK_ENABLE_DOWNLOAD_PROMPT=0
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
WORKDIR /src
# The lockfile alone is enough to fetch every dependency, so this layer survives source-only changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm turbo run build --filter @agentkernel/cli...
# --legacy: pnpm 10's deploy otherwise requires inject-workspace-packages, which this workspace does not set.
RUN pnpm --filter @agentkernel/cli --prod deploy --legacy /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and only readable by the runtime user: the server cannot rewrite its own code.
COPY --from=build /out /app
USER node
EXPOSE 18888
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:18888/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "18888", "--backend", "nomad"]
