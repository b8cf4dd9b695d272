#!/usr/bin/env bash
# Installs a pinned nats-server (>= 2.11, needed for per-message TTL) into .tools/bin with `go install`.
# Idempotent: does nothing when the pinned version is already there. Prints the installed version.
set -euo pipefail
NATS_SERVER_VERSION="${NATS_SERVER_VERSION:-v2.14.9}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bindir="$root/.tools/bin"
bin="$bindir/nats-server"
want="${NATS_SERVER_VERSION#v}"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "v$want\$"; then
  echo "nats-server $("$bin" --version | awk '{print $NF}') already installed at $bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is not installed, so nats-server $NATS_SERVER_VERSION cannot be built." >&2
  echo "  Install Go >= 1.23 (Debian: apt-get install golang-go; or https://go.dev/dl) and re-run," >&2
  echo "  or point NATS_SERVER_BIN at an existing nats-server >= 2.11." >&2
  exit 1
fi
mkdir -p "$bindir"
echo "building nats-server $NATS_SERVER_VERSION with go install (first time takes ~1-2 min)..."
GOBIN="$bindir" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
echo "nats-server $("$bin" --version | awk '{print $NF}') installed at $bin"
