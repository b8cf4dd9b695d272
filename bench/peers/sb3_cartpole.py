"""Stable-Baselines3 PPO on CartPole-v1 with RL Zoo's tuned hyperparameters (the same settings as
ALA's CartPole-v1 preset), stopping when the mean return of the last 100 episodes reaches 475.

Usage: python sb3_cartpole.py SEED BUDGET  -> prints one JSON line.
Reads the hyperparameters from rl_zoo3's own hyperparams/ppo.yml when it is installed with the
package, and falls back to the values below (copied from that file's CartPole-v1 entry).
"""
import json
import os
import sys
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env

FALLBACK = dict(n_envs=8, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
                ent_coef=0.0, learning_rate="lin_1e-3", clip_range="lin_0.2")


def zoo_hyperparams():
    try:
        import rl_zoo3
        import yaml
        path = os.path.join(os.path.dirname(rl_zoo3.__file__), "hyperparams", "ppo.yml")
        with open(path) as f:
            hp = dict(yaml.safe_load(f)["CartPole-v1"])
        return hp, path
    except Exception as e:  # noqa: BLE001
        return dict(FALLBACK), f"fallback ({e})"


def linear(v0):
    return lambda progress_remaining: progress_remaining * v0


class StopWhenSolved(BaseCallback):
    def __init__(self, threshold, t0):
        super().__init__()
        self.threshold, self.t0 = threshold, t0
        self.solved_at, self.solved_wall = None, None

    def _on_step(self):
        return True

    def _on_rollout_end(self):
        buf = self.model.ep_info_buffer  # the last 100 finished episodes (Monitor)
        if len(buf) == 100 and np.mean([e["r"] for e in buf]) >= self.threshold and self.solved_at is None:
            self.solved_at, self.solved_wall = self.num_timesteps, time.perf_counter() - self.t0
            self.model._ala_stop = True

    def on_rollout_end(self):
        super().on_rollout_end()

    def _on_training_start(self):
        self.model._ala_stop = False


class StopCallback(StopWhenSolved):
    def _on_step(self):
        return not getattr(self.model, "_ala_stop", False)


def main():
    seed, budget = int(sys.argv[1]), int(sys.argv[2])
    hp, source = zoo_hyperparams()
    n_envs = int(hp.pop("n_envs"))
    hp.pop("n_timesteps", None)
    policy = hp.pop("policy", "MlpPolicy")
    for k in ("learning_rate", "clip_range"):
        if isinstance(hp.get(k), str) and hp[k].startswith("lin_"):
            hp[k] = linear(float(hp[k][4:]))
    t0 = time.perf_counter()
    env = make_vec_env("CartPole-v1", n_envs=n_envs, seed=seed)
    model = PPO(policy, env, seed=seed, device="cpu", verbose=0, **hp)
    cb = StopCallback(475.0, t0)
    model.learn(total_timesteps=budget, callback=cb)
    wall = time.perf_counter() - t0
    buf = [e["r"] for e in model.ep_info_buffer]
    print(json.dumps(dict(peer="sb3", seed=seed, solvedAtStep=cb.solved_at, wallSecondsToSolve=cb.solved_wall,
                          wallSeconds=wall, envSteps=int(model.num_timesteps),
                          finalMean100=float(np.mean(buf)) if buf else None,
                          hyperparams={k: (v if not callable(v) else "linear") for k, v in hp.items()} | {"n_envs": n_envs},
                          hyperparamsSource=source, torchThreads=torch.get_num_threads())))


if __name__ == "__main__":
    main()
