#!/usr/bin/env python3
"""Generates packages/envs/test/fixtures/cartpole-reference.json with the real Gymnasium.

Run with the venv from scripts/setup-python.sh:
    .tools/venv/bin/python scripts/gen-cartpole-reference.py

The JSON holds, for the TypeScript parity test:
  - resets: initial float64 state for many seeds (NumPy SeedSequence + PCG64 + uniform), and
    the state of a second reset() without a seed (the generator stream continues);
  - episodes: full trajectories of gym.make("CartPole-v1") (with its TimeLimit(500) wrapper)
    under a seeded mix of random and balancing actions: per step the action, the float64 state
    after the step, the float32 observation, reward, terminated and truncated;
  - replays: arbitrary float64 states set through env.unwrapped.state and stepped once.
Floats are written with repr(), which round-trips float64 exactly. This script only writes the
JSON file; it downloads nothing.
"""
import json
import os
import sys

import gymnasium as gym
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "packages", "envs", "test", "fixtures", "cartpole-reference.json")


def f64(values):
    return [float(v) for v in values]


def episode(seed, policy_seed, p_random, reset_options=None):
    env = gym.make("CartPole-v1")
    obs, _ = env.reset(seed=seed, options=reset_options)
    chooser = np.random.default_rng(policy_seed)
    rec = {"seed": seed, "options": reset_options, "initialState": f64(env.unwrapped.state), "initialObs": f64(obs), "steps": []}
    while True:
        x, x_dot, theta, theta_dot = env.unwrapped.state
        if chooser.random() < p_random:
            action = int(chooser.integers(0, 2))
        else:
            action = 1 if theta + 0.5 * theta_dot + 0.05 * x + 0.1 * x_dot > 0 else 0
        obs, reward, terminated, truncated, _ = env.step(action)
        assert obs.dtype == np.float32
        rec["steps"].append({
            "action": action,
            "state": f64(env.unwrapped.state),
            "obs": f64(obs),
            "reward": float(reward),
            "terminated": bool(terminated),
            "truncated": bool(truncated),
        })
        if terminated or truncated:
            break
    env.close()
    return rec


def main():
    resets = []
    for seed in list(range(0, 40)) + [12345, 2**31 - 1, 2**32, 2**53 - 1]:
        env = gym.make("CartPole-v1")
        obs, _ = env.reset(seed=seed)
        first = f64(env.unwrapped.state)
        env.reset()
        resets.append({"seed": seed, "state": first, "obs": f64(obs), "nextUnseededState": f64(env.unwrapped.state)})
        env.close()

    episodes = [episode(s, 1000 + s, 1.0) for s in range(6)]
    episodes += [episode(s, 2000 + s, 0.15) for s in (100, 101, 102)]
    episodes.append(episode(7, 3000, 1.0, {"low": -0.2, "high": 0.2}))

    rng = np.random.default_rng(99)
    replays = []
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=0)
    for i in range(200):
        scale = np.array([3.0, 5.0, 0.5, 6.0]) if i < 150 else np.array([100.0, 50.0, 7.0, 60.0])
        state = rng.uniform(-1.0, 1.0, 4) * scale
        action = int(rng.integers(0, 2))
        env.state = state.astype(np.float64)
        env.steps_beyond_terminated = None
        obs, reward, terminated, _, _ = env.step(action)
        replays.append({"state": f64(state), "action": action, "next": f64(env.state), "obs": f64(obs), "terminated": bool(terminated)})

    data = {
        "generator": "scripts/gen-cartpole-reference.py",
        "gymnasium": gym.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "resets": resets,
        "episodes": episodes,
        "replays": replays,
    }
    with open(OUT, "w") as fh:
        json.dump(data, fh, separators=(",", ":"))
    n = sum(len(e["steps"]) for e in episodes)
    print(f"wrote {OUT}: {len(resets)} resets, {len(episodes)} episodes ({n} steps), {len(replays)} replays, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
