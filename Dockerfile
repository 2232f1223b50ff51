# catalog-sync image (one image, the role is the command argument; the emulators' CLIs are in dist/emulators).
# NODE_ENV=production is the image's default, for deployments (API_TOKENS then required, introspection off);
# docker-compose.yml runs it with NODE_ENV=development unless you set NODE_ENV.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: see scripts/setup.sh (the lock file omits other platforms' optional packages).
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm run build:ui && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 4000
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["all"]
