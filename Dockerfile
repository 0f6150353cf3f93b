# syntax=docker/dockerfile:1
# Multi-stage build: dependencies and the generated Prisma client in a build stage, then a slim
# runtime with production dependencies only, running as a non-root user.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
# postinstall runs `prisma generate` (offline-safe, see prisma/generate.ts)
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY flows ./flows
COPY locales ./locales
RUN npx tsc --noEmit -p .

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
# tsx and prisma are runtime dependencies (the service runs TypeScript directly and generates its client)
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/src ./src
COPY flows ./flows
COPY locales ./locales
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Role: all (default), web or worker — e.g. `docker run ... image --role worker`
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["--role", "all"]
