#!/usr/bin/env bash
# Creates (or reuses) the Python venv used by the CartPole reference generator and the
# external-env bridge example: .tools/venv with gymnasium, numpy, nats-py and msgpack.
# Idempotent: a second run only checks that the packages import. Must not touch anything
# outside .tools/venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.tools/venv"
PY="${PYTHON:-python3}"
PKGS=("gymnasium==1.2.3" "numpy==2.3.5" "nats-py==2.16.0" "msgpack==1.1.2")

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if "$VENV/bin/python" -c 'import gymnasium, numpy, nats, msgpack' 2>/dev/null; then
  echo "venv ready: $VENV"
  exit 0
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PKGS[@]}"
"$VENV/bin/python" -c 'import gymnasium, numpy, nats, msgpack; print("venv ready:", gymnasium.__version__, numpy.__version__)'
