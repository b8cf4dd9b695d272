#!/usr/bin/env bash
# Installs Prometheus and promtool, which the monitoring tests run for real: `promtool check
# metrics` lints the /metrics exposition, `promtool check config` checks infra/prometheus/*.yml,
# and a `prometheus` server scrapes running services (tests/monitoring).
# Idempotent: does nothing when both are already on PATH (or given as PROMETHEUS_BIN /
# PROMTOOL_BIN). Otherwise, as root with apt-get, installs Debian's `prometheus` package (2.42,
# which ships promtool) without letting its service start. Prints the versions it ends up with.
# Must not: start or stop a Prometheus server, or touch anything outside the package install.
set -euo pipefail

prometheus_bin="${PROMETHEUS_BIN:-prometheus}"
promtool_bin="${PROMTOOL_BIN:-promtool}"

have_both() {
  command -v "$prometheus_bin" >/dev/null 2>&1 && command -v "$promtool_bin" >/dev/null 2>&1
}

print_versions() {
  echo "prometheus $("$prometheus_bin" --version 2>&1 | awk 'NR==1{print $3}') at $(command -v "$prometheus_bin")"
  echo "promtool $("$promtool_bin" --version 2>&1 | awk 'NR==1{print $3}') at $(command -v "$promtool_bin")"
}

if have_both; then
  print_versions
  exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: prometheus and promtool are not on PATH, and this script can only install them as root with apt-get." >&2
  echo "  Debian/Ubuntu: sudo apt-get install --no-install-recommends prometheus   (ships promtool)" >&2
  echo "  Elsewhere: download a release from https://prometheus.io/download/ and put prometheus and" >&2
  echo "  promtool on PATH, or point PROMETHEUS_BIN and PROMTOOL_BIN at them; then re-run npm run setup." >&2
  exit 1
fi

# Refresh the package lists only when the cache does not know the package yet.
if ! apt-cache show prometheus >/dev/null 2>&1; then
  apt-get update
fi

# Keep the package's postinst from starting its service (invoke-rc.d honours exit 101 of
# policy-rc.d). Use the system's own policy-rc.d when one exists; else put one in place for the
# duration of the install and remove it afterwards.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap 'rm -f "$policy"' EXIT
  printf '#!/bin/sh\n# temporary, from ala scripts/install-prometheus.sh: start no services\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
fi
echo "installing Debian's prometheus package (with promtool)..."
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus

if ! have_both; then
  echo "error: apt-get installed prometheus but prometheus/promtool are still not on PATH." >&2
  exit 1
fi
print_versions
