# Image of the project's processes (migrate, api, ingest, monitor, simulators), as docker-compose.yml
# runs them: `node api/main.ts` and so on. Node 24 runs the TypeScript sources directly (type
# stripping), so there is no build step: only the production dependencies are installed.

# --- dependencies -------------------------------------------------------------------------------
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves out vitest, eslint, typescript and the `node` npm package (the project's pinned
# Node 24 for development machines): this image already is Node 24.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY platform/ platform/
COPY domain/ domain/
COPY api/ api/
COPY ingest/ ingest/
COPY monitor/ monitor/
COPY simulators/ simulators/
COPY scripts/ scripts/
COPY dashboards/ dashboards/
COPY deploy/ deploy/
# The files stay owned by root and read-only to the process; it runs as the image's unprivileged
# `node` user (uid 1000).
USER node
EXPOSE 3000 9464
CMD ["node", "api/main.ts"]
