#!/usr/bin/env python3
"""Serve a Gymnasium environment to ALA over the external-env bridge.

ALA's RemoteEnv sends msgpack requests to the NATS subject ``<prefix>.env.<instance-id>`` and
expects msgpack replies (message definitions: packages/protocol/src/env-bridge.ts):

  request  {"v": 1, "op": "spec" | "reset" | "step" | "describe" | "close", "seed"?: int, "action"?: int}
  reply    {"v": 1, "ok": true, ...}  or  {"v": 1, "ok": false, "errorKind": str, "errorMessage": str}
    spec     -> envId, obsDim, actionNames
    reset    -> obs (bytes: little-endian float32), legal (bytes: one 0/1 byte per action)
    step     -> obs, reward, terminated, truncated, legal
    describe -> text

Only discrete action spaces are supported (ALA's policies are discrete); observations are
flattened to float32 and must be finite.

Usage (with the venv from scripts/setup-python.sh):
    .tools/venv/bin/python examples/python-gym-env/serve_gym_env.py --env CartPole-v1 --id cartpole-0
"""
import argparse
import asyncio
import re
import signal

import gymnasium as gym
import msgpack
import nats
import numpy as np


class GymServer:
    def __init__(self, env_id: str):
        self.env = gym.make(env_id)
        if not isinstance(self.env.action_space, gym.spaces.Discrete):
            raise SystemExit(f"{env_id}: only Discrete action spaces can be served")
        self.env_id = re.sub(r"[^A-Za-z0-9_-]", "_", env_id)[:64]
        self.n_actions = int(self.env.action_space.n)
        self.obs_dim = int(np.prod(self.env.observation_space.shape))
        self.legal = bytes([1] * self.n_actions)
        self.running = False
        self.steps = 0
        self.last_obs = None

    def obs_bytes(self, obs) -> bytes:
        arr = np.asarray(obs, dtype="<f4").reshape(-1)
        if arr.size != self.obs_dim or not np.all(np.isfinite(arr)):
            raise ValueError("observation has the wrong size or a non-finite value")
        self.last_obs = arr
        return arr.tobytes()

    def handle(self, req) -> dict:
        if not isinstance(req, dict) or req.get("v") != 1:
            return error("bad-request", "expected a map with v = 1")
        op = req.get("op")
        if op == "spec":
            names = getattr(self.env.unwrapped, "action_names", None) or [f"action_{i}" for i in range(self.n_actions)]
            return {"v": 1, "ok": True, "envId": self.env_id, "obsDim": self.obs_dim, "actionNames": list(names)}
        if op == "reset":
            seed = req.get("seed")
            if seed is not None and (not isinstance(seed, int) or seed < 0):
                return error("invalid-option", f"seed must be a non-negative integer, got {seed!r}")
            obs, _ = self.env.reset(seed=seed)
            self.running, self.steps = True, 0
            return {"v": 1, "ok": True, "obs": self.obs_bytes(obs), "legal": self.legal}
        if op == "step":
            action = req.get("action")
            if not isinstance(action, int) or not 0 <= action < self.n_actions:
                return error("invalid-action", f"action must be an integer in [0, {self.n_actions}), got {action!r}")
            if not self.running:
                return error("reset-needed", "call reset before step")
            obs, reward, terminated, truncated, _ = self.env.step(action)
            self.steps += 1
            self.running = not (terminated or truncated)
            return {
                "v": 1, "ok": True, "obs": self.obs_bytes(obs), "reward": float(reward),
                "terminated": bool(terminated), "truncated": bool(truncated), "legal": self.legal,
            }
        if op == "describe":
            obs = "none yet" if self.last_obs is None else np.array2string(self.last_obs, precision=4)
            return {"v": 1, "ok": True, "text": f"{self.env_id} (Gymnasium) step {self.steps}; observation {obs}."}
        if op == "close":
            self.running = False
            return {"v": 1, "ok": True}
        return error("bad-request", f"unknown op {op!r}")


def error(kind: str, message: str) -> dict:
    return {"v": 1, "ok": False, "errorKind": kind, "errorMessage": message[:2000]}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="CartPole-v1", help="Gymnasium env id")
    parser.add_argument("--id", default="gym-0", help="instance id, the last subject token: [A-Za-z0-9_-]{1,64}")
    parser.add_argument("--prefix", default="ala", help="subject prefix")
    parser.add_argument("--nats", default="nats://127.0.0.1:4222", help="NATS server URL")
    args = parser.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", args.id):
        raise SystemExit("--id must match [A-Za-z0-9_-]{1,64}")

    server = GymServer(args.env)
    nc = await nats.connect(args.nats)
    subject = f"{args.prefix}.env.{args.id}"

    async def on_request(msg):
        try:
            req = msgpack.unpackb(msg.data, raw=False)
            reply = server.handle(req)
        except Exception as exc:  # a bad request or a failing env never kills the server
            reply = error("internal" if not isinstance(exc, (ValueError, msgpack.ExtraData)) else "bad-request", str(exc))
        await msg.respond(msgpack.packb(reply, use_bin_type=True))

    await nc.subscribe(subject, cb=on_request)
    await nc.flush()
    print(f"serving {args.env} on {subject}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await nc.drain()
    server.env.close()


if __name__ == "__main__":
    asyncio.run(main())
