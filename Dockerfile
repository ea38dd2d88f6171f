# The ledger service. Build: docker build -t celedger .   Run: docker run -p 3000:3000 -v ledger-data:/data celedger
# Node 26, the Active LTS line (Lithium) since October 2026; the code also runs on Node 20 (package.json engines).
FROM node:26-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 is compiled from source here (python3, make and g++ are in the bookworm image).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY schemas ./schemas
COPY projections ./projections
COPY src ./src
COPY test ./test
COPY bench ./bench
# npm run build also copies the verification page's script and styles next to the compiled code.
RUN npm run build && npm prune --omit=dev

FROM node:26-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production LEDGER_DATA_DIR=/data LEDGER_HOST=0.0.0.0 LEDGER_PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data/secrets /data/keys && chown -R node:node /data
VOLUME ["/data"]
EXPOSE 3000
USER node
CMD ["node", "dist/src/cli/main.js", "serve"]
