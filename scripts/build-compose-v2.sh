#!/usr/bin/env bash
# Builds Docker Compose v2 (pinned in tests/compose/compose-v2/go.mod; the module is
# github.com/docker/compose/v5 and is not `go install`able) and caches the binary under
# ~/.cache/ala/compose-<version>-<os>-<arch>/docker-compose; a second run is instant. Prints the
# binary's path as the last line. It runs standalone (`docker-compose`-style), so the compose test
# can check docker-compose.yml with v2 where no `docker compose` plugin is installed.
# Must not: install it as a Docker CLI plugin or anywhere outside its cache directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mod="$root/tests/compose/compose-v2"
version="$(awk '$1 == "require" && $2 == "github.com/docker/compose/v5" {print $3} $1 == "github.com/docker/compose/v5" {print $2}' "$mod/go.mod" | head -1)"
[ -n "$version" ] || { echo "error: no github.com/docker/compose/v5 version in $mod/go.mod" >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "error: Go is needed to build compose $version (apt-get install golang-go, or https://go.dev/dl)" >&2; exit 1; }
goos="$(go env GOOS)"; goarch="$(go env GOARCH)"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/compose-$version-$goos-$goarch"
bin="$cache/docker-compose"
if [ ! -x "$bin" ]; then
  echo "building Docker Compose $version for $goos/$goarch (first time ~2-4 min, ~1 GB RAM)..." >&2
  mkdir -p "$cache"
  (cd "$mod" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" github.com/docker/compose/v5/cmd)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
