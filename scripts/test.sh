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

log "typecheck, lint, format, layers"
pnpm typecheck
pnpm lint
pnpm format:check
pnpm layers
log "build"
pnpm build
log "tests"
rm -rf test-results && mkdir -p test-results
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
status=0
# the cluster test runs alone after the others (below); a filtered run runs what it names
cluster_test=tests/cluster.integration.test.ts
exclude=()
[ "$#" -eq 0 ] && exclude=(--exclude "$cluster_test")
pnpm exec vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "${exclude[@]}" "$@" || status=$?

# The local cluster (issue 17.6): scripts/cluster.sh's three KRaft brokers (the jars
# scripts/kafka.sh installed above), one `northstar store` and three instances, on ports of
# its own, with the built wall in Chromium. Alone, so its load does not slow other files. ~4 min.
if [ "$#" -eq 0 ]; then
  log "cluster test (three brokers, a store, three instances)"
  pnpm exec vitest run --project integration --reporter=default --reporter=json \
    --outputFile=test-results/vitest-cluster.json "$cluster_test" || status=$?
fi

# Broker version matrix: the Kafka tests (fault tests and Kafka ingest) once more on the
# other supported line, on a broker of its own (other ports, removed afterwards). The
# run above used the broker on 9092: 4.1.1 when this script started it. A few minutes.
# KAFKA_MATRIX="" skips it; arguments given to this script (a filtered run) skip it too.
KAFKA_MATRIX="${KAFKA_MATRIX-3.9.1}"
if [ -n "$KAFKA_MATRIX" ] && [ "$#" -eq 0 ]; then
  for version in $KAFKA_MATRIX; do
    run_dir="$(mktemp -d)"
    matrix_env=(KAFKA_VERSION="$version" KAFKA_PORT=9292 KAFKA_CONTROLLER_PORT=9293 KAFKA_RUN_DIR="$run_dir" KAFKA_HEAP="-Xms128m -Xmx512m")
    log "Kafka tests again on Kafka $version (127.0.0.1:9292)"
    env "${matrix_env[@]}" bash scripts/kafka.sh start
    KAFKA_BROKERS=127.0.0.1:9292 KAFKA_VERSION="$version" FAULT_KAFKA_PORT=9294 \
      pnpm exec vitest run --project integration --reporter=default --reporter=json \
      --outputFile="test-results/vitest-kafka-$version.json" tests/faults- tests/kafka-ingest || status=$?
    env "${matrix_env[@]}" bash scripts/kafka.sh stop || true
    rm -rf "$run_dir"
  done
fi

# One closing line for the whole run (the main run, the cluster run and every matrix run), printed last.
node -e '
  const fs = require("node:fs");
  const files = fs.readdirSync("test-results").filter((f) => /^vitest(-kafka-.*|-cluster)?\.json$/.test(f));
  const t = { passed: 0, failed: 0, pending: 0 };
  for (const f of files) {
    const r = JSON.parse(fs.readFileSync(`test-results/${f}`, "utf8"));
    t.passed += r.numPassedTests; t.failed += r.numFailedTests; t.pending += r.numPendingTests;
  }
  console.log(`${t.passed} passed, ${t.failed} failed` + (t.pending ? `, ${t.pending} skipped` : ""));
' || true
exit "$status"
