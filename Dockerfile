# syntax=docker/dockerfile:1
# Multi-stage build: dependencies, the generated Prisma client and the compiled JavaScript in a
# build stage; then a slim runtime with production dependencies only (no tsx, no TypeScript, no
# prisma CLI) running dist/ as a non-root user.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY tools ./tools
# postinstall runs `prisma generate` (offline-safe, see prisma/generate.mjs) into src/generated/
RUN npm ci --no-audit --no-fund
COPY src ./src
# tsc compiles src/ (and the generated client) into dist/ and copies the web chat's assets
RUN node tools/build.mjs

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: postinstall would only skip `prisma generate` (the client is compiled in dist/)
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY tools ./tools
# Migrations are applied at start-up (src/db/migrate.ts reads prisma/schema.prisma and prisma/migrations)
COPY prisma/schema.prisma ./prisma/schema.prisma
COPY prisma/migrations ./prisma/migrations
COPY flows ./flows
COPY locales ./locales
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Role: all (default: HTTP here, WORKERS=auto worker child processes), web or worker,
# e.g. `docker run ... image --role worker`. CLIs: `docker compose exec web node dist/cli/admin.js …`
# (or `npm run admin -- …`: tools/launch.mjs runs dist/ as it is when src/ is absent).
# Memory as `npm start` runs it (README, "Bộ nhớ"): a 4 MB young generation instead of V8's 16 MB, and two
# malloc arenas instead of one per thread; no source maps (NODE_OPTIONS=--enable-source-maps to debug): idle RSS
# per process about 140–150 MB instead of 190–250. Garbage collection on the HTTP process's main thread only
# (--single-threaded-gc): on a host of two or so cores, V8's helper threads waiting for a CPU stretched the
# webhook's pauses (README, "Hiệu năng"). Worker children inherit the rest but collect in parallel (src/main.ts
# drops that flag for them; docker-compose's worker and broadcast services do the same).
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["node", "--max-semi-space-size=4", "--single-threaded-gc", "--expose-gc", "dist/main.js"]
CMD ["--role", "all"]
