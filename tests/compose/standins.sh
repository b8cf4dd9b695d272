#!/usr/bin/env bash
# Makes the public images the compose stack uses available to the local Docker engine: each one
# present locally is used as is; else `docker pull` is tried (bounded); when no registry answers,
# a local stand-in is built under the public name from parts this machine can get:
#   node:20-bookworm-slim          Debian bookworm minbase (debootstrap) + npm package node-linux-<arch>
#   nats:<v>-alpine                 the pinned nats-server (scripts/install-nats-server.sh)
#   prom/prometheus:<v>             Debian's prometheus package
#   natsio/prometheus-nats-exporter the Go build of scripts/build-nats-exporter.sh
#   ghcr.io/ggml-org/llama.cpp:*    llama-server built by scripts/build-llama-server.sh (LLM run only)
# Grafana has no such source here (no Debian package; AGPL Go module): it is never built.
# Cached: the debootstrap rootfs (tarball) and npm tarballs under ~/.cache/ala/compose-standins;
# images stay in the engine. Usage: standins.sh IMAGE...   Must not: push or remove images.
set -Eeuo pipefail
trap 'echo "error: $(basename "$0") line $LINENO: \`$BASH_COMMAND\` failed" >&2' ERR
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tests/compose/standins"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/compose-standins"
NODE_VERSION="${ALA_STANDIN_NODE_VERSION:-20.20.2}"
NPM_VERSION="${ALA_STANDIN_NPM_VERSION:-10.9.9}"
mkdir -p "$cache"

have() { docker image inspect "$1" >/dev/null 2>&1; }

# Debian bookworm minbase, imported once from a cached rootfs tarball.
base_image() {
  local img=ala-standin/bookworm-minbase:latest tarball="$cache/bookworm-minbase.tar"
  have "$img" && return 0
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { echo "error: debootstrap is missing (bash scripts/install-docker.sh)" >&2; return 1; }
    local mirror rootfs="$cache/bookworm-minbase.rootfs"
    # the Debian mirror apt uses here (ALA_DEBIAN_MIRROR overrides): active .list/.sources files only
    mirror="${ALA_DEBIAN_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
      grep -oE '^(deb|URIs:) +https?://[^ ]+' | awk '{print $2}' | grep '/debian/*$' | head -1 || true)}"
    mirror="${mirror:-http://deb.debian.org/debian}"
    echo "debootstrap bookworm minbase from $mirror (~40 s, cached)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
      { tail -20 "$cache/debootstrap.log" >&2; return 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" && rm -rf "$rootfs"
  fi
  docker import "$tarball" "$img" >/dev/null
}

# docker build from a context dir holding the stand-in's inputs; labelled with its recipe's hash.
build_standin() { # image dockerfile contextdir
  docker build --network host -q --label "ala.standin=$(sha256sum "$2" | cut -c1-16)" -f "$2" -t "$1" "$3" >/dev/null
}

standin() {
  local img="$1" ctx arch
  case "$img" in
    node:20-bookworm-slim)
      base_image
      arch="$(node -p process.arch 2>/dev/null || uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
      ctx="$cache/node-$NODE_VERSION-$arch"; mkdir -p "$ctx"
      if [ ! -s "$ctx/node.tgz" ] || [ ! -s "$ctx/npm.tgz" ]; then
        (cd "$ctx" && npm pack --silent "node-linux-$arch@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null &&
          mv "node-linux-$arch-$NODE_VERSION.tgz" node.tgz && mv "npm-$NPM_VERSION.tgz" npm.tgz)
      fi
      cp "${ALA_STANDIN_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca-certificates.crt"
      build_standin "$img" "$here/node.Dockerfile" "$ctx" ;;
    nats:*)
      base_image
      bash "$root/scripts/install-nats-server.sh" >/dev/null
      ctx="$cache/nats"; mkdir -p "$ctx"; cp "$root/.tools/bin/nats-server" "$ctx/nats-server"
      build_standin "$img" "$here/nats.Dockerfile" "$ctx" ;;
    prom/prometheus:*)
      base_image
      ctx="$cache/prometheus"; mkdir -p "$ctx"
      build_standin "$img" "$here/prometheus.Dockerfile" "$ctx" ;;
    natsio/prometheus-nats-exporter:*)
      ctx="$cache/nats-exporter"; mkdir -p "$ctx"
      cp "$(bash "$root/scripts/build-nats-exporter.sh" | tail -1)" "$ctx/prometheus-nats-exporter"
      build_standin "$img" "$here/nats-exporter.Dockerfile" "$ctx" ;;
    ghcr.io/ggml-org/llama.cpp:*)
      base_image
      ctx="$cache/llama-server"; mkdir -p "$ctx"
      cp "$(bash "$root/scripts/build-llama-server.sh" | head -1)" "$ctx/llama-server"
      build_standin "$img" "$here/llama-server.Dockerfile" "$ctx" ;;
    *) echo "error: no local stand-in recipe for $img" >&2; return 1 ;;
  esac
}

for img in "$@"; do
  if have "$img"; then
    echo "image $img: present"
  elif timeout "${ALA_PULL_TIMEOUT_S:-30}" docker pull -q "$img" >/dev/null 2>&1; then
    echo "image $img: pulled"
  else
    t0=$(date +%s)
    standin "$img"
    echo "image $img: no registry answered; built a local stand-in ($(($(date +%s) - t0)) s)"
  fi
done
