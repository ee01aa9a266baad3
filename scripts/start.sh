#!/usr/bin/env bash
# Quick start: install, build the wall, start the server on the embedded default
# (chdb under ./data, HTTP ingest) with the demo producer feeding it.
# Extra arguments go to `northstar serve` (e.g. --port 9090, --no-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/pnpm.sh
pnpm install --frozen-lockfile --prefer-offline
pnpm --filter @northstar/web exec vite build --logLevel error
exec node --import tsx apps/server/src/cli.ts serve --demo "$@"
