// InProcessBus: TTL contract (receipt, handler start, forward), queue groups, wildcards,
// request/reply, malformed input. Pure in-memory, manual clock.
import { Bias, encode, HEADER_TTL_MS, subjects } from '@ala/protocol';
import { collect, nextMessage } from '@ala/testkit';
import { BusInputError, BusRequestError, CountingBusMetrics, forward, InProcessBus, ManualClock, silentLogger, subjectMatches, type MessageMeta } from '../src';
import { makeBias } from './helpers';

const s = subjects('ala');

function setup() {
  const clock = new ManualClock(1_000);
  const metrics = new CountingBusMetrics();
  const bus = new InProcessBus({ clock, metrics, logger: silentLogger });
  return { clock, metrics, bus };
}

describe('InProcessBus TTL', () => {
  it('sets the receiver deadline from Ala-Ttl-Ms at receipt', async () => {
    const { clock, bus } = setup();
    const got = nextMessage<MessageMeta>((push) => bus.subscribe(Bias, s.bias('a1'), (_v, meta) => push(meta)));
    bus.publish(Bias, s.bias('a1'), makeBias(), { ttlMs: 1500 });
    const meta = await got;
    expect(meta.ttlMs).toBe(1500);
    expect(meta.deadline).toBe(1_000 + 1500);
    clock.advance(400);
    expect(meta.remainingMs()).toBe(1100);
    expect(meta.header(HEADER_TTL_MS)).toBe('1500');
  });

  it('without a TTL the deadline is Infinity', async () => {
    const { bus } = setup();
    const got = nextMessage<MessageMeta>((push) => bus.subscribe(Bias, s.bias('a1'), (_v, meta) => push(meta)));
    bus.publish(Bias, s.bias('a1'), makeBias());
    expect((await got).deadline).toBe(Infinity);
  });

  it('drops a message whose lifetime ran out while it waited for the handler, and counts it', async () => {
    const { clock, metrics, bus } = setup();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.subscribe(Bias, s.bias('a1'), async (v) => {
      seen.push(v.stateSeq);
      if (v.stateSeq === 1) await gate; // the first handler call holds the second message in the queue
    });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 1 }, { ttlMs: 1000 });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 2 }, { ttlMs: 100 });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 3 }, { ttlMs: 5000 });
    await bus.flush();
    clock.advance(150);
    release();
    await bus.flush();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([1, 3]);
    expect(metrics.get('expired', 'Bias')).toBe(1);
    expect(metrics.get('in', 'Bias')).toBe(3);
  });

  it('drops a message that arrives with Ala-Ttl-Ms 0 and counts a malformed header as a decode error', async () => {
    const { metrics, bus } = setup();
    const handler = jest.fn();
    bus.subscribe(Bias, s.bias('a1'), handler);
    bus.publishRaw(s.bias('a1'), encode(Bias, makeBias()), { [HEADER_TTL_MS]: '0' });
    bus.publishRaw(s.bias('a1'), encode(Bias, makeBias()), { [HEADER_TTL_MS]: '-5' });
    await bus.flush();
    expect(handler).not.toHaveBeenCalled();
    expect(metrics.get('expired', 'Bias')).toBe(1);
    expect(metrics.get('decodeErrors', 'Bias')).toBe(1);
  });

  it('forward subtracts the dwell time and refuses to send expired advice', async () => {
    const { clock, metrics, bus } = setup();
    const downstream = collect<MessageMeta>((push) => bus.subscribe(Bias, 'ala.out.*', (_v, meta) => push(meta)), { count: 1 });
    const sent: boolean[] = [];
    bus.subscribe(Bias, s.bias('a1'), (v, meta) => {
      clock.advance(v.stateSeq === 1 ? 300 : 2_000); // the relay holds the message (dwell)
      sent.push(forward(bus, Bias, 'ala.out.a1', v, meta, { metrics }));
    });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 1 }, { ttlMs: 1000 });
    const [meta] = await downstream;
    expect(meta?.ttlMs).toBe(700);
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 2 }, { ttlMs: 1000 });
    await bus.flush();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([true, false]);
    expect(metrics.get('expired', 'Bias')).toBe(1);
  });

  it('refuses bad TTLs, subjects and headers with a typed error and sends nothing', async () => {
    const { metrics, bus } = setup();
    const handler = jest.fn();
    bus.subscribe(Bias, 'ala.>', handler);
    expect(() => bus.publish(Bias, s.bias('a1'), makeBias(), { ttlMs: 0 })).toThrow(BusInputError);
    expect(() => bus.publish(Bias, s.bias('a1'), makeBias(), { ttlMs: NaN })).toThrow(BusInputError);
    expect(() => bus.publish(Bias, 'ala.bias.*', makeBias())).toThrow(BusInputError);
    expect(() => bus.publish(Bias, s.bias('a1'), makeBias(), { headers: { [HEADER_TTL_MS]: '5' } })).toThrow(BusInputError);
    expect(() => bus.publish(Bias, s.bias('a1'), { ...makeBias(), bound: -1 })).toThrow(/bound/);
    expect(() => bus.subscribe(Bias, 'ala.>.x', handler)).toThrow(BusInputError);
    await bus.flush();
    expect(handler).not.toHaveBeenCalled();
    expect(metrics.get('out')).toBe(0);
  });
});

describe('InProcessBus delivery', () => {
  it('matches * and > wildcards like NATS', () => {
    expect(subjectMatches('ala.bias.>', 'ala.bias.a1')).toBe(true);
    expect(subjectMatches('ala.bias.>', 'ala.bias.a1.x')).toBe(true);
    expect(subjectMatches('ala.bias.>', 'ala.bias')).toBe(false);
    expect(subjectMatches('ala.*.a1', 'ala.bias.a1')).toBe(true);
    expect(subjectMatches('ala.*', 'ala.bias.a1')).toBe(false);
    expect(subjectMatches('ala.bias.a1', 'ala.bias.a2')).toBe(false);
  });

  it('delivers to wildcard subscribers and one member of each queue group', async () => {
    const { bus } = setup();
    const all: string[] = [];
    const groupA: string[] = [];
    const groupB: string[] = [];
    bus.subscribe(Bias, s.biasAll, (v) => void all.push(v.agentId));
    bus.subscribe(Bias, 'ala.*.*', (v) => void all.push(`star:${v.agentId}`));
    bus.subscribe(Bias, s.biasAll, (v) => void groupA.push(v.agentId), { queue: 'router' });
    bus.subscribe(Bias, s.biasAll, (v) => void groupB.push(v.agentId), { queue: 'router' });
    for (let i = 0; i < 10; i++) bus.publish(Bias, s.bias(`a${i}`), makeBias(`a${i}`));
    await bus.flush();
    await new Promise((r) => setImmediate(r));
    expect(all.filter((x) => !x.startsWith('star:'))).toHaveLength(10);
    expect(all.filter((x) => x.startsWith('star:'))).toHaveLength(10);
    expect(groupA.length + groupB.length).toBe(10);
    expect(groupA.length).toBe(5);
    expect(new Set([...groupA, ...groupB]).size).toBe(10);
  });

  it('keeps a subscription alive through malformed bytes and throwing handlers', async () => {
    const { metrics, bus } = setup();
    const got: number[] = [];
    bus.subscribe(Bias, s.bias('a1'), (v) => {
      if (v.stateSeq === 13) throw new Error('boom');
      got.push(v.stateSeq);
    });
    bus.publishRaw(s.bias('a1'), new Uint8Array([0xc1, 0xff, 0x00]));
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 13 });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 14 });
    await bus.flush();
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([14]);
    expect(metrics.get('decodeErrors', 'Bias')).toBe(1);
    expect(metrics.get('handlerErrors', 'Bias')).toBe(1);
    expect(metrics.handlerTimes('Bias')).toHaveLength(2);
  });

  it('refuses a payload that names another agent than its subject when subjects are bound', async () => {
    const metrics = new CountingBusMetrics();
    const bus = new InProcessBus({ metrics, logger: silentLogger, subjects: s });
    const handler = jest.fn();
    bus.subscribe(Bias, s.biasAll, handler);
    bus.publish(Bias, s.bias('a2'), makeBias('a1'));
    await bus.flush();
    expect(handler).not.toHaveBeenCalled();
    expect(metrics.get('decodeErrors', 'Bias')).toBe(1);
  });

  it('answers requests, and reports no responders and timeouts', async () => {
    const { bus } = setup();
    bus.subscribe(Bias, 'ala.echo', (v, meta) => meta.respond(Bias, { ...v, stateSeq: v.stateSeq + 1 }));
    const reply = await bus.request(Bias, 'ala.echo', makeBias(), Bias, { timeoutMs: 500 });
    expect(reply.stateSeq).toBe(8);
    await expect(bus.request(Bias, 'ala.nobody', makeBias(), Bias, { timeoutMs: 500 })).rejects.toMatchObject({ reason: 'no-responders' });
    bus.subscribe(Bias, 'ala.silent', () => undefined);
    await expect(bus.request(Bias, 'ala.silent', makeBias(), Bias, { timeoutMs: 30 })).rejects.toBeInstanceOf(BusRequestError);
    await expect(bus.request(Bias, 'ala.echo', makeBias(), Bias, { timeoutMs: NaN })).rejects.toBeInstanceOf(BusInputError);
    await bus.close();
  });
});
