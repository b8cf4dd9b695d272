#!/usr/bin/env bash
# Builds prometheus-nats-exporter (pinned in infra/nats-exporter/go.mod) as a static binary with
# Go and caches it under ~/.cache/ala/prometheus-nats-exporter-<version>-<os>-<arch>; a second
# run is instant. Prints the binary's path as the last line. Used by the compose stack test to
# build a local stand-in image when no registry is reachable (tests/compose/standins.sh).
# Must not: install anything outside its cache directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mod="$root/infra/nats-exporter"
version="$(awk '$1 == "require" && $2 == "github.com/nats-io/prometheus-nats-exporter" {print $3}' "$mod/go.mod")"
[ -n "$version" ] || { echo "error: no prometheus-nats-exporter version in $mod/go.mod" >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "error: Go is needed to build prometheus-nats-exporter $version (apt-get install golang-go, or https://go.dev/dl)" >&2; exit 1; }
goos="${GOOS:-$(go env GOOS)}"; goarch="${GOARCH:-$(go env GOARCH)}"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/prometheus-nats-exporter-$version-$goos-$goarch"
bin="$cache/prometheus-nats-exporter"
if [ ! -x "$bin" ]; then
  echo "building prometheus-nats-exporter $version for $goos/$goarch (first time ~35 s)..." >&2
  mkdir -p "$cache"
  (cd "$mod" && CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -trimpath -o "$bin.tmp" github.com/nats-io/prometheus-nats-exporter)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
