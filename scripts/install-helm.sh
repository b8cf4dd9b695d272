#!/usr/bin/env bash
# Installs a pinned Helm 3 (for the chart tests in tests/deploy/) with `go install`, cached outside the
# clone under ~/.cache/ala/helm-<version>, and links it as .tools/bin/helm.
# Idempotent: a second run only re-creates the link. Prints the installed version.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.21.4}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/helm-$HELM_VERSION"
bin="$cache/helm"
link="$root/.tools/bin/helm"

# the module version recorded in the binary (helm's own `version` prints only v3.21 without ldflags)
built_version() { go version -m "$bin" 2>/dev/null | awk '$1 == "mod" && $2 == "helm.sh/helm/v3" {print $3}'; }
if [ ! -x "$bin" ] || { command -v go >/dev/null 2>&1 && [ "$(built_version)" != "$HELM_VERSION" ]; }; then
  if ! command -v go >/dev/null 2>&1; then
    echo "error: Go is not installed, so helm $HELM_VERSION cannot be built." >&2
    echo "  Install Go >= 1.24 (https://go.dev/dl) and re-run, or put a helm $HELM_VERSION at $bin." >&2
    exit 1
  fi
  mkdir -p "$cache"
  echo "building helm $HELM_VERSION with go install (first time ~2 min, ~1 GB RAM)..."
  GOBIN="$cache" GOFLAGS="${GOFLAGS:-} -trimpath" go install \
    -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
mkdir -p "$(dirname "$link")"
ln -sfn "$bin" "$link"
echo "helm $HELM_VERSION installed at $bin (linked from $link)"
