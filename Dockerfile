# syntax=docker/dockerfile:1
#
# The gateway on Node 24, in four stages:
#   build      all dependencies, then `npm run build` (tsc) into dist/; the emulator is set apart
#   prod-deps  production dependencies only (better-sqlite3 is native: compiled here)
#   runtime    the default target: compiled gateway + production dependencies + schema, run as the
#              unprivileged `node` user; no emulator, no build tools, no TypeScript
#   demo       runtime plus the embedded emulator and its demo org, for trying the image offline
#
#   docker build -t zoho-email-gateway .
#   docker run --rm -p 4000:4000 -e GATEWAY_API_KEYS=... -e ZOHO_CLIENT_ID=... \
#     -e ZOHO_CLIENT_SECRET=... -e ZOHO_REFRESH_TOKEN=... zoho-email-gateway
#   docker build --target demo -t zoho-email-gateway:demo .
#   docker run --rm -p 4000:4000 -e GATEWAY_API_KEYS=$(openssl rand -hex 24) zoho-email-gateway:demo
#
# test/system/production-build.test.ts replays the steps of the prod-deps and runtime stages
# without Docker (npm ci --omit=dev, the copied paths, the start command).

ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
# The emulator is compiled with the rest, then moved out of dist/ so that `runtime` cannot carry it.
RUN npm run build \
 && mv dist/emulator /app/emulator-dist

FROM node:${NODE_VERSION}-bookworm-slim AS prod-deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY schema ./schema
COPY --from=build /app/dist ./dist
# The only path the process writes to: the move journal and idempotency keys (SQLite), and in the
# demo target the emulator's database.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself (src/main.ts): readiness turns 503, the listener
# stays open for the drain delay, then the work in flight finishes.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]

FROM runtime AS demo
# With no ZOHO_* settings the gateway starts the embedded emulator with its demo org. It listens
# on 0.0.0.0 here, so callers must still send one of GATEWAY_API_KEYS.
ENV EMULATOR_DB=/app/data/emulator.sqlite
COPY --from=build /app/emulator-dist ./dist/emulator
