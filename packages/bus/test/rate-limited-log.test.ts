// The rate-limited logger: one line per kind at once, the repeats held back and counted, one
// summary per interval; and on a real nats-server 1000 malformed messages give a bounded number of
// log lines while ala_bus_decode_errors counts all 1000.
import { Bias, subjects } from '@ala/protocol';
import { startNatsServer, waitFor } from '@ala/testkit';
import { connect, CountingBusMetrics, ManualClock, NatsBus, rateLimitedLogger, silentLogger, type BusLogger } from '../src';

type Line = { level: string; msg: string; fields?: Record<string, unknown> };
function recorder(): { logger: BusLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

test('first line of a kind at once, then at most one per interval carrying the count held back', () => {
  const clock = new ManualClock();
  const r = recorder();
  const log = rateLimitedLogger(r.logger, { clock, intervalMs: 1000 });
  for (let i = 0; i < 5; i++) log.warn('bad message', { i });
  log.error('bad message'); // another level is another kind
  log.warn('other thing');
  expect(r.lines).toEqual([
    { level: 'warn', msg: 'bad message', fields: { i: 0 } },
    { level: 'error', msg: 'bad message' },
    { level: 'warn', msg: 'other thing' },
  ]);
  clock.advance(1000);
  log.warn('bad message', { i: 5 });
  expect(r.lines[3]).toEqual({ level: 'warn', msg: 'bad message', fields: { i: 5, suppressed: 4 } });
  log.warn('bad message', { i: 6 });
  log.flush();
  expect(r.lines[4]).toEqual({ level: 'warn', msg: 'bad message (repeats held back)', fields: { suppressed: 1 } });
  expect(r.lines).toHaveLength(5);
});

test('1000 malformed messages on a real nats-server: 1000 counted, one log line', async () => {
  const server = await startNatsServer();
  const conn = await connect({ servers: server.url, name: 'flood', logger: silentLogger });
  try {
    const r = recorder();
    const metrics = new CountingBusMetrics();
    const s = subjects('ala');
    const bus = new NatsBus(conn.nc, { logger: r.logger, metrics, subjects: s });
    bus.subscribe(Bias, s.biasAll, () => undefined);
    await bus.flush();
    for (let i = 0; i < 1000; i++) conn.nc.publish(s.bias(`a${i % 7}`), new Uint8Array([0xc1, i & 0xff])); // 0xc1: never valid msgpack
    await conn.nc.flush();
    await waitFor(() => metrics.get('decodeErrors', 'Bias') === 1000, 10_000, { what: '1000 decode errors counted' });
    expect(metrics.get('decodeErrors', 'Bias')).toBe(1000);
    expect(r.lines.filter((l) => l.msg === 'dropped undecodable message')).toHaveLength(1); // within one 10 s interval
    expect(r.lines.length).toBeLessThanOrEqual(2);
    await bus.close();
  } finally {
    await conn.close();
    await server.stop();
  }
});
