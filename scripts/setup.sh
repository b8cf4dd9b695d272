#!/usr/bin/env bash
# One-time set-up of everything the project runs against, all project-local and idempotent:
#   - nats-server >= 2.11 (per-message TTL) into .tools/bin   (scripts/install-nats-server.sh)
#   - prometheus + promtool (Debian package, as root; scripts/install-prometheus.sh) for the monitoring tests
#   - helm and kubernetes-validate for the chart tests (scripts/install-helm.sh,
#     scripts/install-kubernetes-validate.sh; cached under ~/.cache/ala, linked into .tools/bin)
#   - a Python venv with Gymnasium for the external-env bridge example and parity data
#     (scripts/setup-python.sh, when present)
# Safe to run again: each step does nothing when its part is already installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/install-nats-server.sh"
bash "$here/install-prometheus.sh"
bash "$here/install-helm.sh"
bash "$here/install-kubernetes-validate.sh"
if [ -f "$here/setup-python.sh" ]; then
  bash "$here/setup-python.sh"
fi
