// The advisor service on the in-process bus with controllable backends: bounded concurrency
// (excess dropped as busy, never queued), TTL subtraction, backend failures counted, stop()
// aborts answers in flight, and config validation.
import { InProcessBus, ManualClock, systemClock } from '@ala/bus';
import { Advice, StateSnapshot, subjects } from '@ala/protocol';
import { ConfigError } from '@ala/telemetry';
import { waitFor } from '@ala/testkit';
import { BackendError, loadConfig, start, scriptedBackend, type AdvisorBackend } from '../src';

const s = subjects('ala');
const snap = (agentId: string, seq: number, envId = 'CartPole-v1'): StateSnapshot => ({
  v: 1,
  agentId,
  actorId: 'act',
  envId,
  seq,
  policyVersion: 0,
  episodeStep: 0,
  text: 't',
  actionNames: ['l', 'r'],
  legal: [true, true],
  obs: [0, 0, 0.1, 0],
  createdAt: 0,
});

/** A backend whose answers are released by hand. */
function gatedBackend() {
  const waiting: { resolve: () => void; signal: AbortSignal }[] = [];
  const backend: AdvisorBackend = {
    kind: 'gated',
    advise: (_s, signal) =>
      new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new BackendError('aborted', 'stop')));
        waiting.push({ resolve: () => resolve({ scores: [0, 1], confidence: 0.7, model: 'gated' }), signal });
      }),
  };
  return { backend, waiting };
}

describe('advisor service', () => {
  it('answers at most maxInFlight snapshots at once; the rest are dropped as busy', async () => {
    const bus = new InProcessBus();
    const { backend, waiting } = gatedBackend();
    const svc = start({ bus, clock: systemClock, backend, config: loadConfig({ ALA_ADVISOR_MAX_IN_FLIGHT: '2', ALA_ADVISOR_PAUSE_WHEN_BUSY: '0' }) });
    const out: Advice[] = [];
    bus.subscribe(Advice, s.adviceAll, (a) => void out.push(a));
    for (let i = 0; i < 5; i++) bus.publish(StateSnapshot, s.state('a1'), snap('a1', i), { ttlMs: 5_000 });
    await waitFor(() => svc.stats().received === 5);
    expect(waiting.length).toBe(2);
    expect(svc.stats()).toMatchObject({ inFlight: 2, dropped_busy: 3 });
    waiting.forEach((w) => w.resolve());
    await waitFor(() => out.length === 2);
    expect(out.map((a) => a.stateSeq)).toEqual([0, 1]);
    expect(out[0]).toMatchObject({ agentId: 'a1', advisorId: 'scripted-0', bias: [-1, 1], recommended: 1, confidence: 0.7, model: 'gated' });
    // capacity is free again
    bus.publish(StateSnapshot, s.state('a1'), snap('a1', 9), { ttlMs: 5_000 });
    await waitFor(() => waiting.length === 3);
    waiting[2]!.resolve();
    await waitFor(() => out.length === 3);
    await svc.stop();
    await bus.close();
  });

  it("pauses its subscription while saturated: the queue group's other replica takes the snapshots; subscribes again at half load", async () => {
    const bus = new InProcessBus();
    const a = gatedBackend();
    const b = gatedBackend();
    const svcA = start({ bus, clock: systemClock, backend: a.backend, config: loadConfig({ ALA_ADVISOR_MAX_IN_FLIGHT: '2' }) });
    const svcB = start({ bus, clock: systemClock, backend: b.backend, config: loadConfig({ ALA_ADVISOR_MAX_IN_FLIGHT: '10' }) });
    const total = (): number => svcA.stats().received! + svcB.stats().received!;
    const send = async (seq: number): Promise<void> => {
      const before = total();
      bus.publish(StateSnapshot, s.state('a1'), snap('a1', seq), { ttlMs: 5_000 });
      await waitFor(() => total() === before + 1);
    };
    for (let i = 0; i < 6; i++) await send(i); // round robin A, B, A (A now saturated: paused), then B only
    expect(svcA.stats()).toMatchObject({ received: 2, inFlight: 2, paused: 1, pauses: 1, dropped: 0 });
    expect(svcB.stats()).toMatchObject({ received: 4, inFlight: 4, paused: 0, dropped: 0 });
    a.waiting[0]!.resolve(); // one of two done: at most half busy, so A takes snapshots again
    await waitFor(() => svcA.stats().paused === 0);
    for (let i = 6; i < 10; i++) await send(i);
    expect(svcA.stats().received).toBeGreaterThan(2);
    expect(svcA.stats().pauses).toBeGreaterThanOrEqual(1);
    await Promise.all([svcA.stop(), svcB.stop()]);
    await bus.close();
  });

  it('publishes advice with the snapshot lifetime minus the thinking time', async () => {
    const clock = new ManualClock(1000);
    const bus = new InProcessBus({ clock });
    const { backend, waiting } = gatedBackend();
    const svc = start({ bus, clock, backend, config: loadConfig({}) });
    const ttls: (number | undefined)[] = [];
    bus.subscribe(Advice, s.adviceAll, (_a, meta) => void ttls.push(meta.ttlMs));
    bus.publish(StateSnapshot, s.state('a1'), snap('a1', 1), { ttlMs: 3_000 });
    await waitFor(() => waiting.length === 1);
    clock.advance(1234.5);
    waiting[0]!.resolve();
    await waitFor(() => ttls.length === 1);
    expect(ttls[0]).toBe(3_000 - 1235); // floored: never extends a lifetime
    await svc.stop();
    await bus.close();
  });

  it('counts backend failures by kind and publishes nothing', async () => {
    const bus = new InProcessBus();
    const svc = start({
      bus,
      clock: systemClock,
      backend: scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 0, seed: 0, confidence: 1 }),
      config: loadConfig({}),
    });
    const out: Advice[] = [];
    bus.subscribe(Advice, s.adviceAll, (a) => void out.push(a));
    bus.publish(StateSnapshot, s.state('c1'), snap('c1', 1, 'CraftWorld-v0'), { ttlMs: 5_000 });
    bus.publish(StateSnapshot, s.state('c1'), { ...snap('c1', 2), obs: [1, 2] }, { ttlMs: 5_000 });
    bus.publish(StateSnapshot, s.state('c1'), { ...snap('c1', 3), legal: [true, false] }, { ttlMs: 5_000 }); // one legal action: no signal
    await waitFor(() => svc.stats().dropped === 3);
    expect(svc.stats()).toMatchObject({ dropped_unsupported: 2, dropped_no_signal: 1, published: 0 });
    expect(out).toEqual([]);
    await svc.stop();
    await bus.close();
  });

  it('stop() aborts answers in flight and publishes nothing more', async () => {
    const bus = new InProcessBus();
    const { backend, waiting } = gatedBackend();
    const svc = start({ bus, clock: systemClock, backend, config: loadConfig({}) });
    const out: Advice[] = [];
    bus.subscribe(Advice, s.adviceAll, (a) => void out.push(a));
    bus.publish(StateSnapshot, s.state('a1'), snap('a1', 1), { ttlMs: 5_000 });
    await waitFor(() => waiting.length === 1);
    await svc.stop();
    expect(waiting[0]!.signal.aborted).toBe(true);
    expect(svc.stats()).toMatchObject({ inFlight: 0, dropped_aborted: 1 });
    expect(out).toEqual([]);
    await bus.close();
  });

  it('refuses bad configuration with ConfigError naming the variable', () => {
    expect(() => loadConfig({ ALA_ADVISOR_ID: 'bad id' })).toThrow(ConfigError);
    expect(() => loadConfig({ ALA_ADVISOR_BACKEND: 'gpt' })).toThrow('ALA_ADVISOR_BACKEND');
    expect(() => loadConfig({ ALA_ADVISOR_MAX_IN_FLIGHT: '0' })).toThrow('ALA_ADVISOR_MAX_IN_FLIGHT');
    expect(() => loadConfig({ ALA_SCRIPTED_ACCURACY: '1.5' })).toThrow('ALA_SCRIPTED_ACCURACY');
    expect(loadConfig({}).backend).toBe('scripted');
  });

  it('the scripted expert follows its knobs with a seeded generator', async () => {
    const adversarial = scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 1, seed: 3, confidence: 0.9 });
    const honest = scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 0, seed: 3, confidence: 0.9 });
    const signal = new AbortController().signal;
    const a = await honest.advise(snap('a', 1), signal);
    const b = await adversarial.advise(snap('a', 1), signal);
    expect(a.action).toBe(1); // pole leaning right: push right
    expect(b.action).toBe(0);
    expect(adversarial.stats!()).toMatchObject({ scriptedAdversarial: 1 });
  });
});
