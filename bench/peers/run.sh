#!/usr/bin/env bash
# Peers side by side on CartPole-v1: `ala train`, Stable-Baselines3 PPO with RL Zoo's tuned
# hyperparameters (the settings of ALA's preset) and CleanRL's ppo.py with the same settings (no
# clip annealing there); same budget, same stop rule (mean of the last 100 episodes >= 475),
# runs interleaved per seed so all see the same machine load.
# Writes bench/results/peers.json. Env: SEEDS (default "1 2 3"), BUDGET (150000), ALA_PEERS_VENV,
# CLEANRL_PPO (path to CleanRL's cleanrl/ppo.py when GitHub is not reachable), OMP_NUM_THREADS
# (torch's threads; on a loaded machine 2 threads can be ~40x slower per step than 1, because
# OpenMP threads wait for each other while descheduled: set it to 1 there and say so).
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
  if [ -f "$ALA_PEERS_VENV/cleanrl_ppo.py" ]; then
    "$ALA_PEERS_VENV/bin/python" bench/peers/cleanrl_cartpole.py "$s" "$BUDGET" "$ALA_PEERS_VENV/cleanrl_ppo.py" | tail -1 | tee -a "$LINES" >&2
  fi
done
VERSIONS=$("$ALA_PEERS_VENV/bin/python" -c "import json, torch, stable_baselines3, rl_zoo3, gymnasium; print(json.dumps({'torch': torch.__version__, 'stable_baselines3': stable_baselines3.__version__, 'rl_zoo3': rl_zoo3.__version__, 'gymnasium': gymnasium.__version__, 'cleanrl_ppo_py': 'vwxyzjn/cleanrl@fe8d8a03 cleanrl/ppo.py'}))")
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
ratio = lambda peer, k: (med(peer, k) / med("ala", k)) if med("ala", k) and med(peer, k) else None
print(json.dumps({
    "benchmark": "CartPole-v1 peers: ala train vs Stable-Baselines3 PPO (RL Zoo hyperparameters) vs CleanRL ppo.py (same settings)",
    "criterion": "mean return of the last 100 episodes >= 475; stop when reached",
    "budgetEnvSteps": budget,
    "summary": summary,
    "ratios": {"sb3OverAlaStepsToSolve": ratio("sb3", "solvedAtStep"), "sb3OverAlaWallToSolve": ratio("sb3", "wallSecondsToSolve"),
               "cleanrlOverAlaStepsToSolve": ratio("cleanrl", "solvedAtStep"), "cleanrlOverAlaWallToSolve": ratio("cleanrl", "wallSecondsToSolve")},
    "runs": rows,
    "peerVersions": json.loads(sys.argv[3]),
    "machine": {"cpus": os.cpu_count(), "loadavg": os.getloadavg()},
    "note": f"shared 2-core machine with other agents running; torch threads (OMP_NUM_THREADS) = {os.environ.get('OMP_NUM_THREADS', 'torch default')}; ala is single-threaded (its WebAssembly learner kernel); CleanRL does not anneal the clip range",
    "measuredAt": datetime.datetime.utcnow().isoformat() + "Z",
}, indent=2))
PY
cat bench/results/peers.json | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'summary': d['summary'], 'ratios': d['ratios']}, indent=2))"
