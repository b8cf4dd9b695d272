// External-env bridge round trips against a real nats-server: a CartPole served over NATS must
// step bit-identically to a local one; remote errors come back as the local error classes;
// bad actions are refused locally; missing responders and garbage replies are EnvBridgeError;
// AsyncVectorEnv steps several remote envs concurrently with same-step autoreset.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { decode, encode, EnvReply, EnvRequest } from '@ala/protocol';
import { InProcessBus, NatsBus, silentLogger } from '@ala/bus';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import {
  AsyncVectorEnv,
  busBridgeTransport,
  CartPoleEnv,
  CraftWorldEnv,
  EnvBridgeError,
  InvalidActionError,
  InvalidOptionError,
  natsBridgeTransport,
  RemoteEnv,
  ResetNeededError,
  serveEnv,
  type EnvServerHandle,
} from '../src/index';

let server: NatsServerHandle;
let nc: NatsConnection;
const serving: EnvServerHandle[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});

afterAll(async () => {
  for (const s of serving) await s.stop();
  await nc.close();
  await server.stop();
});

function serve(env: CartPoleEnv | CraftWorldEnv, instanceId: string): EnvServerHandle {
  const h = serveEnv(env, natsBridgeTransport(nc), { instanceId, prefix: 'test' });
  serving.push(h);
  return h;
}

describe('external-env bridge over NATS', () => {
  it('a served CartPole steps bit-identically to a local one', async () => {
    const handle = serve(new CartPoleEnv(), 'cp-1');
    expect(handle.subject).toBe('test.env.cp-1');
    const remote = await RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: 'cp-1' });
    expect(remote.id).toBe('CartPole-v1');
    expect(remote.actionSpace.actionNames).toEqual(['push_left', 'push_right']);
    const local = new CartPoleEnv();
    expect(Array.from((await remote.reset({ seed: 42 })).obs)).toEqual(Array.from(local.reset({ seed: 42 }).obs));
    for (let t = 0; ; t++) {
      const a = (t * 7) % 3 === 0 ? 1 : 0;
      const [r, l] = [await remote.step(a), local.step(a)];
      expect([Array.from(r.obs), r.reward, r.terminated, r.truncated]).toEqual([Array.from(l.obs), l.reward, l.terminated, l.truncated]);
      if (l.terminated || l.truncated) break;
    }
    await expect(remote.step(0)).rejects.toThrow(ResetNeededError); // refused locally
    expect(await remote.describe()).toContain('CartPole step');
    expect(handle.stats.errors).toBe(0);
  });

  it('maps remote errors to the local classes and refuses bad input before sending', async () => {
    const env = new CraftWorldEnv();
    const handle = serve(env, 'craft-1');
    const remote = await RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: 'craft-1' });
    await remote.reset({ seed: 3 });
    const legal = await remote.legalActions();
    expect(Array.from(legal)).toEqual(Array.from(env.legalActions()));
    const before = handle.stats.requests;
    await expect(remote.step(13)).rejects.toThrow(InvalidActionError); // craft_iron_pickaxe: illegal, refused locally
    await expect(remote.step(99)).rejects.toThrow(InvalidActionError);
    await expect(remote.reset({ seed: -1 })).rejects.toThrow(InvalidOptionError);
    expect(handle.stats.requests).toBe(before);
    // The server answers a step before reset with 'reset-needed' (raw request: the client would not send it).
    serve(new CartPoleEnv(), 'cp-fresh');
    const raw = await nc.request('test.env.cp-fresh', encode(EnvRequest, { v: 1, op: 'step', action: 0 }), { timeout: 2000 });
    expect(decode(EnvReply, raw.data)).toMatchObject({ ok: false, errorKind: 'reset-needed' });
    // The client turns each remote error kind into the local class.
    const kinds = { rn: 'reset-needed', ia: 'invalid-action', io: 'invalid-option', in: 'internal' } as const;
    const subs = Object.entries(kinds).map(([id, kind]) =>
      nc.subscribe(`test.env.${id}`, {
        callback: (_e, m) => {
          const op = decode(EnvRequest, m.data).op;
          m.respond(
            encode(
              EnvReply,
              op === 'spec' ? { v: 1, ok: true, envId: 'Fake-v0', obsDim: 1, actionNames: ['a'] } : { v: 1, ok: false, errorKind: kind, errorMessage: 'no' },
            ),
          );
        },
      }),
    );
    const classes = [ResetNeededError, InvalidActionError, InvalidOptionError, EnvBridgeError];
    for (const [i, id] of Object.keys(kinds).entries()) {
      const fake = await RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: id });
      await expect(fake.reset()).rejects.toThrow(classes[i]!);
    }
    for (const sub of subs) await sub.drain();
  });

  it('reports a missing responder or a garbage reply as EnvBridgeError', async () => {
    await expect(RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: 'nobody', timeoutMs: 300 })).rejects.toThrow(EnvBridgeError);
    const sub = nc.subscribe('test.env.garbage', {
      callback: (_e, m) => {
        m.respond(new Uint8Array([0xc1]));
      },
    });
    await expect(RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: 'garbage' })).rejects.toThrow(EnvBridgeError);
    await sub.drain();
    await expect(RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: 'bad.id' })).rejects.toThrow();
  });

  it('runs over an @ala/bus Bus: NatsBus against the server, and InProcessBus in one process', async () => {
    const natsBus = new NatsBus(nc, { logger: silentLogger });
    const inProc = new InProcessBus({ logger: silentLogger });
    for (const bus of [natsBus, inProc]) {
      const transport = busBridgeTransport(bus);
      const handle = serveEnv(new CraftWorldEnv(), transport, { prefix: 'bus', instanceId: 'craft' });
      const remote = await RemoteEnv.connect(transport, { prefix: 'bus', instanceId: 'craft' });
      const local = new CraftWorldEnv();
      expect(Array.from((await remote.reset({ seed: 8 })).obs)).toEqual(Array.from(local.reset({ seed: 8 }).obs));
      for (const a of [1, 1, 4, 5, 3, 5, 2]) {
        const [r, l] = [await remote.step(a), local.step(a)];
        expect([Array.from(r.obs), r.reward]).toEqual([Array.from(l.obs), l.reward]);
      }
      expect(await remote.describe()).toBe(local.describe());
      await handle.stop();
      await expect(RemoteEnv.connect(transport, { prefix: 'bus', instanceId: 'craft', timeoutMs: 200 })).rejects.toThrow(EnvBridgeError);
    }
    await inProc.close();
  });

  it('AsyncVectorEnv steps remote envs concurrently with same-step autoreset', async () => {
    const n = 3;
    const remotes = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        serve(new CartPoleEnv({ maxEpisodeSteps: 20 }), `vec-${i}`);
        return RemoteEnv.connect(natsBridgeTransport(nc), { prefix: 'test', instanceId: `vec-${i}` });
      }),
    );
    const vec = new AsyncVectorEnv(remotes);
    const twins = Array.from({ length: n }, () => new CartPoleEnv({ maxEpisodeSteps: 20 }));
    const reset = await vec.reset({ seed: 7 });
    twins.forEach((t, i) => expect(Array.from(reset.obs.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(t.reset({ seed: 7 + i }).obs)));
    let ended = 0;
    for (let step = 0; step < 30; step++) {
      const actions = twins.map((_, i) => (step + i) % 2);
      const r = await vec.step(actions);
      twins.forEach((t, i) => {
        const l = t.step(actions[i]!);
        if (l.terminated || l.truncated) {
          ended++;
          expect(Array.from(r.infos[i]!.finalObs!)).toEqual(Array.from(l.obs));
          expect(Array.from(r.obs.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(t.reset().obs));
        } else expect(Array.from(r.obs.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(l.obs));
      });
    }
    expect(ended).toBeGreaterThanOrEqual(n);
    await expect(vec.step([0, 5, 0])).rejects.toThrow(InvalidActionError);
  });
});
