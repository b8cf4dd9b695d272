"""CleanRL's ppo.py on CartPole-v1 with the hyperparameters of ALA's CartPole preset (RL Zoo's),
stopping when the mean return of the last 100 episodes reaches 475.

Usage: python cleanrl_cartpole.py SEED BUDGET PPO_PY  -> prints one JSON line.
PPO_PY is CleanRL's single-file cleanrl/ppo.py (not vendored here; run.sh fetches it into the
throwaway venv). CleanRL has no clip-range annealing, so clip_coef stays 0.2 (ALA and SB3 anneal it).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

ARGS = ["--num-envs", "8", "--num-steps", "32", "--num-minibatches", "1", "--update-epochs", "20",
        "--gae-lambda", "0.8", "--gamma", "0.98", "--ent-coef", "0", "--learning-rate", "1e-3",
        "--anneal-lr", "--clip-coef", "0.2", "--no-clip-vloss", "--no-cuda"]


def main():
    seed, budget, ppo_py = int(sys.argv[1]), int(sys.argv[2]), os.path.abspath(sys.argv[3])
    cmd = [sys.executable, ppo_py, "--seed", str(seed), "--total-timesteps", str(budget), *ARGS]
    window = collections.deque(maxlen=100)
    solved_at, solved_wall, last_step = None, None, 0
    with tempfile.TemporaryDirectory() as cwd:  # ppo.py writes TensorBoard logs under ./runs
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in p.stdout:
            if not line.startswith("global_step="):
                continue
            step_part, ret_part = line.strip().split(", ")
            last_step = int(step_part.split("=")[1])
            window.append(float(ret_part.split("=")[1].strip("[]")))
            if len(window) == 100 and sum(window) / 100 >= 475:
                solved_at, solved_wall = last_step, time.perf_counter() - t0
                p.kill()
                break
        p.wait()
        wall = time.perf_counter() - t0
    print(json.dumps(dict(peer="cleanrl", seed=seed, solvedAtStep=solved_at, wallSecondsToSolve=solved_wall, wallSeconds=wall,
                          envSteps=last_step, finalMean100=(sum(window) / len(window)) if window else None,
                          args=ARGS, note="no clip annealing in CleanRL")))


if __name__ == "__main__":
    main()
