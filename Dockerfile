# One image for all five services; the command names the service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
COPY prisma prisma
# Dev dependencies stay: tsx runs the TypeScript sources and prisma generates the clients.
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
USER node
# API ports; the Prometheus listeners (9400–9404) are for the monitoring network only.
EXPOSE 4000 4001 4002 4003 4004 9400 9401 9402 9403 9404
CMD ["node", "node_modules/tsx/dist/cli.mjs", "scripts/serve.ts", "gateway"]
