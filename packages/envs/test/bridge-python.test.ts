// The Python Gymnasium example (examples/python-gym-env/serve_gym_env.py) served over a real
// nats-server: Gymnasium's own CartPole-v1, driven through RemoteEnv, must step bit-identically
// to ALA's CartPoleEnv, and its error replies must map to the local error classes. Needs the venv
// from scripts/setup-python.sh; without it this suite fails with that instruction unless
// ALA_SKIP_PYTHON=1 says to leave Python out on purpose.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { decode, encode, EnvReply, EnvRequest } from '@ala/protocol';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { AsyncVectorEnv, CartPoleEnv, InvalidActionError, natsBridgeTransport, RemoteEnv } from '../src/index';

const root = join(__dirname, '..', '..', '..');
const python = join(root, '.tools', 'venv', 'bin', 'python');
const script = join(root, 'examples', 'python-gym-env', 'serve_gym_env.py');
const optedOut = process.env['ALA_SKIP_PYTHON'] === '1';

function startPython(url: string, id: string): Promise<ChildProcess> {
  const child = spawn(python, [script, '--env', 'CartPole-v1', '--id', id, '--prefix', 'py', '--nats', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`python server did not start in 20 s: ${err}`)), 20_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('serving')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`python server exited with ${code}: ${err}`));
    });
  });
}

describe('Python Gymnasium env over the bridge', () => {
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (optedOut || !existsSync(python)) return;
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    children.push(...(await Promise.all([startPython(server.url, 'cp-0'), startPython(server.url, 'cp-1')])));
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await nc?.close();
    await server?.stop();
  });

  it('has the venv (run scripts/setup-python.sh, or set ALA_SKIP_PYTHON=1 to leave Python out)', () => {
    expect(optedOut || existsSync(python)).toBe(true);
  });

  it('Gymnasium CartPole served from Python steps bit-identically to CartPoleEnv', async () => {
    if (optedOut) return;
    const remote = await RemoteEnv.connect(natsBridgeTransport(nc!), { prefix: 'py', instanceId: 'cp-0' });
    expect([remote.id, remote.actionSpace.n, remote.observationSpace.low.length]).toEqual(['CartPole-v1', 2, 4]);
    const local = new CartPoleEnv();
    for (const seed of [0, 17]) {
      expect(Array.from((await remote.reset({ seed })).obs)).toEqual(Array.from(local.reset({ seed }).obs));
      for (let t = 0; ; t++) {
        const a = local.state[2]! + 0.5 * local.state[3]! > 0 ? 1 : 0;
        const [r, l] = [await remote.step(a), local.step(a)];
        expect([t, Array.from(r.obs), r.reward, r.terminated, r.truncated]).toEqual([t, Array.from(l.obs), l.reward, l.terminated, l.truncated]);
        if (l.terminated || l.truncated) break;
      }
    }
    expect(await remote.describe()).toContain('CartPole-v1 (Gymnasium)');
    await expect(remote.step(2)).rejects.toThrow(InvalidActionError);
  });

  it('answers bad requests with typed errors and drives an AsyncVectorEnv', async () => {
    if (optedOut) return;
    const ask = async (req: EnvRequest): Promise<EnvReply> =>
      decode(EnvReply, (await nc!.request('py.env.cp-1', encode(EnvRequest, req), { timeout: 5000 })).data);
    expect(await ask({ v: 1, op: 'step', action: 0 })).toMatchObject({ ok: false, errorKind: 'reset-needed' });
    await ask({ v: 1, op: 'reset', seed: 1 });
    expect(await ask({ v: 1, op: 'step', action: 7 })).toMatchObject({ ok: false, errorKind: 'invalid-action' });
    const garbage = decode(EnvReply, (await nc!.request('py.env.cp-1', new Uint8Array([0x93, 1]), { timeout: 5000 })).data);
    expect(garbage.ok).toBe(false);

    const envs = await Promise.all(['cp-0', 'cp-1'].map((id) => RemoteEnv.connect(natsBridgeTransport(nc!), { prefix: 'py', instanceId: id })));
    const vec = new AsyncVectorEnv(envs);
    const { obs } = await vec.reset({ seed: 5 });
    expect(Array.from(obs.subarray(4, 8))).toEqual(Array.from(new CartPoleEnv().reset({ seed: 6 }).obs));
    let ended = 0;
    for (let t = 0; t < 60; t++) ended += (await vec.step([0, 1])).infos.filter((i) => i.episode !== undefined).length;
    expect(ended).toBeGreaterThanOrEqual(2);
  });
});
