# One image for all five services; the command names the service. Two stages: the build (dev
# dependencies, Prisma client generation, `npm run build`), then a runtime with production
# dependencies and the compiled JavaScript only: nothing is compiled at start, no tsx.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
COPY prisma prisma
COPY patches patches
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The Prisma clients are already generated and compiled into dist/generated: no install scripts.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# @apollo/gateway as patched in the build stage (patch-package, a dev dependency, ran there).
COPY --from=build /app/node_modules/@apollo/gateway node_modules/@apollo/gateway
COPY --from=build /app/dist dist
USER node
# API ports; the Prometheus listeners (9400–9404) are for the monitoring network only.
EXPOSE 4000 4001 4002 4003 4004 9400 9401 9402 9403 9404
CMD ["node", "dist/scripts/serve.js", "gateway"]
