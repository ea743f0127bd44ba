# The chat server as a container image, built from the production build (README, "Run it
# in production"):
#   docker build -t roomchat . && docker run -p 8000:8000 -v chat-data:/data roomchat
# Stages: `build` installs everything and builds (npm ci's postinstall runs npm run build);
# `runtime-deps` installs the runtime dependencies only; the final image holds those, the
# build and the migrations, runs as the unprivileged `node` user, and starts node itself
# (exec form, no npm or shell in between) so SIGTERM reaches the server, which then shuts
# down gracefully. (Checked by tests/build/container-files.test.ts; no image was built on
# the machines this was written on: they have no container engine.)

FROM node:20-bookworm-slim AS toolchain
# better-sqlite3 compiles from source when no prebuilt binary matches.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

FROM toolchain AS build
COPY . .
RUN npm ci --no-audit --no-fund

FROM toolchain AS runtime-deps
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs scripts/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 DATABASE_URL=file:/data/chat.db
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server/main.js"]
