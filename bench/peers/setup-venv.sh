#!/usr/bin/env bash
# Throwaway Python venv for the peer benchmarks: CPU-only PyTorch, Stable-Baselines3 and RL Zoo
# (whose CartPole-v1 PPO hyperparameters are ALA's preset). Idempotent; nothing goes into the repo.
set -euo pipefail
VENV=${ALA_PEERS_VENV:-/tmp/ala-peers-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --upgrade pip
# CPU wheels from download.pytorch.org when reachable; otherwise PyPI's default wheel (it pulls
# the CUDA runtime packages too, ~3 GB, but runs on CPU).
if ! "$VENV/bin/pip" install -q torch --index-url "${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}" 2>/dev/null; then
  "$VENV/bin/pip" install -q torch
fi
"$VENV/bin/pip" install -q "stable-baselines3==2.7.*" "rl_zoo3==2.7.*" "gymnasium==1.2.*"
"$VENV/bin/python" -c "import torch, stable_baselines3, rl_zoo3, gymnasium; print('torch', torch.__version__, 'sb3', stable_baselines3.__version__, 'rl_zoo3', rl_zoo3.__version__, 'gymnasium', gymnasium.__version__)"
