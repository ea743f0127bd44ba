# The chat server: API, WebSocket, REST and web pages on one port.
#   docker build -t roomchat . && docker run -p 8000:8000 roomchat
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# npm ci runs postinstall: the Prisma clients and the web client's production build.
RUN npm ci --no-audit --no-fund && npm cache clean --force
ENV HOST=0.0.0.0 PORT=8000 DATABASE_URL=file:/data/chat.db
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node directly (not npm) so SIGTERM reaches the server and it shuts down gracefully.
CMD ["node", "--import", "tsx", "server/main.ts"]
