#!/usr/bin/env bash
# Builds infra/grafana/check (offline Grafana dashboard schema check, Grafana Foundation SDK) and
# caches the binary under ~/.cache/ala/grafana-dashboard-check-<source hash>; a second run is
# instant, a changed source or SDK version rebuilds. Prints the binary's path as the last line.
# Must not: install anything outside its cache directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/infra/grafana/check"
command -v go >/dev/null 2>&1 || { echo "error: Go is needed to build the dashboard check (apt-get install golang-go, or https://go.dev/dl)" >&2; exit 1; }
hash="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/grafana-dashboard-check-$hash"
bin="$cache/dashboard-check"
if [ ! -x "$bin" ]; then
  echo "building the Grafana dashboard check (first time ~40 s)..." >&2
  mkdir -p "$cache"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
