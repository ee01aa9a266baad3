# Sourced by the project scripts: makes `pnpm` (v10, the version in package.json) available
# on a machine that has only Node and npm. corepack cannot fetch pnpm here, npm can.
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "[northstar] installing pnpm@$PNPM_VERSION with npm" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION" >&2 || {
    echo "[northstar] could not install pnpm globally; falling back to npx" >&2
    pnpm() { npx --yes "pnpm@$PNPM_VERSION" "$@"; }
  }
fi
