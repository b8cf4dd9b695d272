#!/usr/bin/env bash
# Installs a pinned kubernetes-validate (PyPI; offline schemas for Kubernetes 1.25-1.37) into a venv
# cached outside the clone under ~/.cache/ala/kubernetes-validate-<version>, and links its command
# as .tools/bin/kubernetes-validate, for the chart tests (tests/deploy/). Idempotent: a second run
# only re-creates the link. Must not install anything outside that venv.
set -euo pipefail
KV_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ALA_CACHE_DIR:-$HOME/.cache/ala}/kubernetes-validate-$KV_VERSION"
bin="$venv/bin/kubernetes-validate"
link="$root/.tools/bin/kubernetes-validate"
PY="${PYTHON:-python3}"

if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('kubernetes-validate') != '$KV_VERSION')" 2>/dev/null; then
  echo "installing kubernetes-validate $KV_VERSION into $venv..."
  "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KV_VERSION"
fi
mkdir -p "$(dirname "$link")"
ln -sfn "$bin" "$link"
echo "kubernetes-validate $KV_VERSION installed at $bin (linked from $link)"
