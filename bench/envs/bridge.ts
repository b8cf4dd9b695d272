// Cost per step of the external-env bridge: RemoteEnv -> nats-server -> served env -> reply, for a
// TypeScript-served CartPole (serveEnv) and, when the venv exists, the Python Gymnasium example.
// Also a batch of 8 remote envs stepped concurrently by AsyncVectorEnv. Used by run.ts --bridge.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '@ala/testkit';
import { AsyncVectorEnv, CartPoleEnv, natsBridgeTransport, RemoteEnv, serveEnv } from '@ala/envs';

export interface BridgeBench {
  tsServedUsPerStep: { p50: number; p99: number; mean: number };
  pythonServedUsPerStep?: { p50: number; p99: number; mean: number };
  asyncVector8EnvStepsPerSec: number;
  steps: number;
}

function summary(samples: number[]): { p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => Math.round((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0) * 10) / 10;
  return { p50: q(0.5), p99: q(0.99), mean: Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 10) / 10 };
}

async function timeSteps(env: RemoteEnv, steps: number): Promise<number[]> {
  const us: number[] = [];
  await env.reset({ seed: 0 });
  for (let t = 0; t < steps; t++) {
    const t0 = process.hrtime.bigint();
    const r = await env.step(t & 1);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (r.terminated || r.truncated) await env.reset();
  }
  return us.slice(Math.floor(steps / 10)); // drop warm-up
}

export async function benchBridge(quick: boolean): Promise<BridgeBench> {
  const steps = quick ? 2000 : 10_000;
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  const children: ChildProcess[] = [];
  try {
    const transport = natsBridgeTransport(nc);
    const handles = Array.from({ length: 8 }, (_, i) => serveEnv(new CartPoleEnv(), transport, { instanceId: `b${i}` }));
    const remote = await RemoteEnv.connect(transport, { instanceId: 'b0' });
    const result: BridgeBench = { tsServedUsPerStep: summary(await timeSteps(remote, steps)), asyncVector8EnvStepsPerSec: 0, steps };

    const vec = new AsyncVectorEnv(await Promise.all(handles.map((_, i) => RemoteEnv.connect(transport, { instanceId: `b${i}` }))));
    await vec.reset({ seed: 0 });
    const batches = steps / 8;
    const t0 = process.hrtime.bigint();
    for (let t = 0; t < batches; t++) await vec.step(new Array<number>(8).fill(t & 1));
    result.asyncVector8EnvStepsPerSec = Math.round((batches * 8) / (Number(process.hrtime.bigint() - t0) / 1e9));

    const python = join(__dirname, '..', '..', '.tools', 'venv', 'bin', 'python');
    if (existsSync(python)) {
      const script = join(__dirname, '..', '..', 'examples', 'python-gym-env', 'serve_gym_env.py');
      const child = spawn(python, [script, '--id', 'py0', '--nats', server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('serving') && resolve()));
      result.pythonServedUsPerStep = summary(await timeSteps(await RemoteEnv.connect(transport, { instanceId: 'py0' }), steps));
    }
    for (const h of handles) await h.stop();
    return result;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await nc.close();
    await server.stop();
  }
}
