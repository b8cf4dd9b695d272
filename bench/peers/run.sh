#!/usr/bin/env bash
# Peers side by side on CartPole-v1: `ala train` vs Stable-Baselines3 PPO with RL Zoo's tuned
# hyperparameters (the settings of ALA's preset), same budget, same stop rule (mean of the last
# 100 episodes >= 475), seeds run alternately so both see the same machine load.
# Writes bench/results/peers.json. Env: SEEDS (default "1 2 3"), BUDGET (150000), ALA_PEERS_VENV.
# CleanRL is not run: PyPI's `cleanrl` is 0.4.8 (2021, gym < 0.26 API); its current ppo.py ships
# only in the GitHub repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=${SEEDS:-"1 2 3"}
BUDGET=${BUDGET:-150000}
export ALA_PEERS_VENV=${ALA_PEERS_VENV:-/tmp/ala-peers-venv}
bash bench/peers/setup-venv.sh >&2
LINES=$(mktemp)
for s in $SEEDS; do
  npx tsx bench/peers/ala-cartpole.ts "$s" "$BUDGET" | tail -1 | tee -a "$LINES" >&2
  "$ALA_PEERS_VENV/bin/python" bench/peers/sb3_cartpole.py "$s" "$BUDGET" | tail -1 | tee -a "$LINES" >&2
done
VERSIONS=$("$ALA_PEERS_VENV/bin/python" -c "import json, torch, stable_baselines3, rl_zoo3; print(json.dumps({'torch': torch.__version__, 'stable_baselines3': stable_baselines3.__version__, 'rl_zoo3': rl_zoo3.__version__}))")
python3 - "$LINES" "$BUDGET" "$VERSIONS" > bench/results/peers.json <<'PY'
import json, os, statistics, sys, datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
budget = int(sys.argv[2])
by = {}
for r in rows:
    by.setdefault(r["peer"], []).append(r)
def med(peer, key):
    xs = [r[key] for r in by.get(peer, []) if r.get(key) is not None]
    return statistics.median(xs) if xs else None
summary = {}
for peer, rs in by.items():
    summary[peer] = {"solved": f"{sum(r['solvedAtStep'] is not None for r in rs)}/{len(rs)}",
                     "medianStepsToSolve": med(peer, "solvedAtStep"), "medianWallSecondsToSolve": med(peer, "wallSecondsToSolve")}
ratio = lambda k: (med("sb3", k) / med("ala", k)) if med("ala", k) and med("sb3", k) else None
print(json.dumps({
    "benchmark": "CartPole-v1 peers: ala train vs Stable-Baselines3 PPO (RL Zoo hyperparameters)",
    "criterion": "mean return of the last 100 episodes >= 475; stop when reached",
    "budgetEnvSteps": budget,
    "summary": summary,
    "ratios": {"sb3OverAlaStepsToSolve": ratio("solvedAtStep"), "sb3OverAlaWallToSolve": ratio("wallSecondsToSolve")},
    "runs": rows,
    "peerVersions": json.loads(sys.argv[3]),
    "notCompared": {"cleanrl": "PyPI cleanrl is 0.4.8 (2021, gym<0.26); current ppo.py is only in the GitHub repo"},
    "machine": {"cpus": os.cpu_count(), "loadavg": os.getloadavg()},
    "note": "shared 2-core machine with other agents running; SB3 uses torch with 2 threads, ala is single-threaded (TF.js wasm)",
    "measuredAt": datetime.datetime.utcnow().isoformat() + "Z",
}, indent=2))
PY
cat bench/results/peers.json | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'summary': d['summary'], 'ratios': d['ratios']}, indent=2))"
