#!/usr/bin/env bash
# Installs what the compose stack test needs to run containers here: Debian's docker.io (engine
# 20.10 + containerd), docker-compose (1.29, the v1 CLI the compose file must stay valid for) and
# debootstrap (builds a local base image when no image registry is reachable).
# Idempotent: does nothing when dockerd, docker-compose and debootstrap are already on PATH.
# Must not: start or stop a Docker engine (scripts/test-compose.sh does that), or change the
# system beyond the package install (no service is started: policy-rc.d refuses it).
set -euo pipefail

have_all() {
  command -v dockerd >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 &&
    command -v debootstrap >/dev/null 2>&1
}

if have_all; then
  echo "docker engine $(dockerd --version | awk '{print $3}' | tr -d ,), docker-compose $(docker-compose version --short 2>/dev/null), debootstrap already installed"
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: dockerd, docker-compose or debootstrap is missing, and this script installs them only as root with apt-get." >&2
  echo "  Debian/Ubuntu: sudo apt-get install docker.io docker-compose debootstrap" >&2
  echo "  Elsewhere: install Docker Engine with its compose plugin (https://docs.docker.com/engine/install/)." >&2
  exit 1
fi
if ! apt-cache show docker.io docker-compose debootstrap >/dev/null 2>&1; then
  apt-get update
fi
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap 'rm -f "$policy"' EXIT
  printf '#!/bin/sh\n# temporary, from ala scripts/install-docker.sh: start no services\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
fi
echo "installing Debian's docker.io, docker-compose and debootstrap..."
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io docker-compose debootstrap
have_all || { echo "error: apt-get ran but dockerd/docker-compose/debootstrap are still not on PATH" >&2; exit 1; }
echo "docker engine $(dockerd --version | awk '{print $3}' | tr -d ,), docker-compose $(docker-compose version --short 2>/dev/null)"
