#!/usr/bin/env bash
# Throwaway Python venv for the peer benchmarks: PyTorch (CPU), Stable-Baselines3 and RL Zoo (whose
# CartPole-v1 PPO hyperparameters are ALA's preset), and CleanRL's single-file ppo.py with its
# pinned gymnasium 0.29.1 (SB3 2.7 accepts it too). Idempotent; nothing goes into the repo.
# PyPI's `cleanrl` package is 0.4.8 (2021, gym<0.26 API), so CleanRL's ppo.py runs only from a
# copy you provide in $CLEANRL_PPO. Everything else comes from PyPI.
set -euo pipefail
VENV=${ALA_PEERS_VENV:-/tmp/ala-peers-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --upgrade pip
# PyPI's torch wheel (it pulls the CUDA runtime packages too, ~3 GB, but runs on CPU); set
# TORCH_INDEX to a CPU-only wheel index you can reach to save the download.
if [ -n "${TORCH_INDEX:-}" ]; then
  "$VENV/bin/pip" install -q torch --index-url "$TORCH_INDEX"
else
  "$VENV/bin/pip" install -q torch
fi
"$VENV/bin/pip" install -q "stable-baselines3==2.7.*" "rl_zoo3==2.7.*"
"$VENV/bin/pip" install -q "gymnasium==0.29.1" "tyro>=0.5.10" "tensorboard>=2.10.0" 2>/dev/null || true
# CleanRL's PyPI release (2021) does not run on current Gymnasium, and nothing here downloads
# from outside the package registries: CleanRL runs only when you point CLEANRL_PPO at your own
# copy of its single-file cleanrl/ppo.py; otherwise it is left out of the comparison.
if [ -n "${CLEANRL_PPO:-}" ]; then
  [ "$CLEANRL_PPO" -ef "$VENV/cleanrl_ppo.py" ] || cp "$CLEANRL_PPO" "$VENV/cleanrl_ppo.py"
elif [ ! -f "$VENV/cleanrl_ppo.py" ]; then
  echo "CLEANRL_PPO not set: CleanRL is left out of the comparison" >&2
fi
"$VENV/bin/python" -c "import torch, stable_baselines3, rl_zoo3, gymnasium; print('torch', torch.__version__, 'sb3', stable_baselines3.__version__, 'rl_zoo3', rl_zoo3.__version__, 'gymnasium', gymnasium.__version__)"
