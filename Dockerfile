# Image of the project's processes (migrate, api, ingest, monitor, simulators), as docker-compose.yml
# runs them: `node api/main.ts` and so on. Node 24 runs the TypeScript sources directly (type
# stripping); the one build is the review page's bundle (web/ -> web/dist/, served by the API under
# /app/), made in a stage of its own with the dev dependencies, so the image holds only the
# production dependencies and the bundle.

# --- the review page ----------------------------------------------------------------------------
FROM node:24-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` dev dependency's install script would fetch a second Node 24.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY web/ web/
COPY domain/ domain/
COPY platform/ platform/
RUN npx vite build --config web/vite.config.ts

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
COPY --from=web /app/web/dist/ web/dist/
# The files stay owned by root and read-only to the process; it runs as the image's unprivileged
# `node` user (uid 1000).
USER node
EXPOSE 3000 9464
CMD ["node", "api/main.ts"]
