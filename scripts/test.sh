#!/usr/bin/env bash
# The whole test suite, from a fresh machine with only Node and npm:
# installs what the tests need (pnpm packages, Chromium, Java/Maven for Kafka, Kafka itself),
# starts a Kafka broker on 127.0.0.1:9092, runs the gates (typecheck, lint, format) and
# every test project (unit, integration, e2e), then stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/pnpm.sh

log() { printf '[test] %s\n' "$*" >&2; }

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

command -v chromium >/dev/null 2>&1 || apt_install chromium
{ command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; } || apt_install openjdk-17-jre-headless maven

pnpm install --frozen-lockfile --prefer-offline

started_kafka=0
if ! bash scripts/kafka.sh status; then
  bash scripts/kafka.sh start
  started_kafka=1
fi
cleanup() { [ "$started_kafka" -eq 1 ] && bash scripts/kafka.sh stop || true; }
trap cleanup EXIT

log "typecheck, lint, format"
pnpm typecheck
pnpm lint
pnpm format:check
log "build"
pnpm build
log "tests"
mkdir -p test-results
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "$@" || status=$?
node -e '
  const r = require("./test-results/vitest.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit "$status"
