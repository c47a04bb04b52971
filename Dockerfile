# syntax=docker/dockerfile:1
#
# The gateway, as a small non-root image. Two stages: `deps` installs the production dependencies
# (better-sqlite3 is native: prebuilt when available, compiled with the build tools otherwise);
# `runtime` holds only what runs. The code runs as TypeScript through tsx, as `npm start` does,
# so there is no compile step.
#
#   docker build -t zoho-email-gateway .
#   docker run --rm -p 4000:4000 -e GATEWAY_API_KEYS=... -e ZOHO_CLIENT_ID=... \
#     -e ZOHO_CLIENT_SECRET=... -e ZOHO_REFRESH_TOKEN=... zoho-email-gateway

ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    EMULATOR_DB=/app/data/emulator.sqlite
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY schema ./schema
COPY src ./src
# The only path the process writes to: the embedded emulator's SQLite file (demo mode only).
RUN mkdir -p /app/data && chown node:node /app/data
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself (src/main.ts): it drains, then exits.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts"]
