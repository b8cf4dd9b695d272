#!/usr/bin/env bash
# Installs a pinned nats-server (>= 2.11, needed for per-message TTL) with `go install`. The binary
# is built once per machine into ~/.cache/ala/nats-server-<version>/ (ALA_CACHE_DIR overrides
# ~/.cache/ala) and linked into the clone's .tools/bin, so a fresh clone on the same machine
# (CI) does not rebuild it while a fresh machine still gets it.
# Idempotent: does nothing when the pinned version is already there. Prints the installed version.
set -euo pipefail
NATS_SERVER_VERSION="${NATS_SERVER_VERSION:-v2.14.9}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/nats-server-$NATS_SERVER_VERSION"
bindir="$root/.tools/bin"
bin="$bindir/nats-server"
want="${NATS_SERVER_VERSION#v}"

is_wanted() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "v$want\$"; }

if is_wanted "$bin"; then
  echo "nats-server $("$bin" --version | awk '{print $NF}') already installed at $bin"
  exit 0
fi
if ! is_wanted "$cache/nats-server"; then
  if ! command -v go >/dev/null 2>&1; then
    echo "error: Go is not installed, so nats-server $NATS_SERVER_VERSION cannot be built." >&2
    echo "  Install Go >= 1.23 (Debian: apt-get install golang-go; or https://go.dev/dl) and re-run," >&2
    echo "  or point NATS_SERVER_BIN at an existing nats-server >= 2.11." >&2
    exit 1
  fi
  mkdir -p "$cache"
  echo "building nats-server $NATS_SERVER_VERSION with go install into $cache (first time takes ~1-2 min)..."
  GOBIN="$cache" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
fi
mkdir -p "$bindir"
rm -f "$bin"
ln -s "$cache/nats-server" "$bin"
echo "nats-server $("$bin" --version | awk '{print $NF}') installed at $bin (-> $cache/nats-server)"
