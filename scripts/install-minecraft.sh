#!/usr/bin/env bash
# Installs the optional Minecraft env package (@ala/env-minecraft: flying-squid server, mineflayer
# bots, ~500 MB of minecraft-data) from the npm registry only: `npm ci` in optional/env-minecraft
# (npm's cache under ~/.npm makes a reinstall on the same machine fast), then links
# node_modules/@ala/env-minecraft -> ../../optional/env-minecraft at the repo root so
# `require('@ala/env-minecraft')` works from every workspace. A stamp (the lockfile's hash)
# makes a second run instant. Idempotent. Prints what it did. `npm run setup:minecraft` runs it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="$root/optional/env-minecraft"
stamp="$pkg/node_modules/.ala-install-stamp"
want="$(sha256sum "$pkg/package-lock.json" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$pkg/node_modules/mineflayer" ] && [ -d "$pkg/node_modules/flying-squid" ]; then
  echo "env-minecraft: dependencies already installed (lockfile ${want:0:12})"
else
  echo "env-minecraft: npm ci in optional/env-minecraft (first time ~15-60 s, ~550 MB)..."
  start=$(date +%s)
  (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
  echo "env-minecraft: installed $(cd "$pkg" && node -p "Object.entries(require('./package.json').dependencies).map(([k, v]) => k + '@' + v).join(', ')") in $(($(date +%s) - start)) s ($(du -sh "$pkg/node_modules" | cut -f1))"
fi

mkdir -p "$root/node_modules/@ala"
link="$root/node_modules/@ala/env-minecraft"
if [ "$(readlink "$link" 2>/dev/null || true)" != "../../optional/env-minecraft" ]; then
  rm -rf "$link"
  ln -s ../../optional/env-minecraft "$link"
  echo "env-minecraft: linked node_modules/@ala/env-minecraft -> ../../optional/env-minecraft"
else
  echo "env-minecraft: node_modules/@ala/env-minecraft already linked"
fi
