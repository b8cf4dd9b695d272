// Transport latency of ALA on loopback: one-way latency (p50/p99/max) of a 20-action Bias over
// 1 hop and over a 3-hop relay chain (each relay decodes, subtracts its dwell time, re-encodes and
// forwards: `forward()`), next to raw nats.js publish->subscribe with a payload of the same size
// and no codec, measured in the same run; plus encode+decode µs per message.
// Targets: 3 hops p50 <= 1 ms, p99 <= 5 ms; codec <= 5 µs.
// A message that does not arrive within 1 s is counted as lost (reported; Infinity in the percentiles).
// Run: npx tsx bench/transport/run.ts [--quick]   (writes bench/results/transport.json, < 1 min)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Bias, decode, encode, subjects } from '@ala/protocol';
import { connect, forward, NatsBus, silentLogger, type AlaConnection } from '@ala/bus';
import { startNatsServer } from '@ala/testkit';
import { distMs, type DistMs } from '../common';

const quick = process.argv.includes('--quick');
const N = quick ? 1_000 : 5_000;
const WARMUP = quick ? 200 : 1_000;
const TTL_MS = 5_000;
const s = subjects('bench');

const bias: Bias = {
  v: 1,
  agentId: 'agent-07',
  adviceId: 'adv-5f3a9c',
  stateSeq: 0,
  bound: 2,
  ttlMs: TTL_MS,
  createdAt: 1_795_000_000_123,
  bias: Array.from({ length: 20 }, (_, k) => 2 * Math.sin(k * 1.7) * 0.999),
  recommended: 4,
};

/** A message not at the end of the chain within this long counts as lost (Infinity in the percentiles). */
const LOST_MS = 1_000;

/**
 * Sends one message at a time and waits for it (matched by sequence number) at the end of the
 * chain; one-way latency per message. A lost message costs LOST_MS, never a hang.
 */
async function measure(send: (seq: number) => void, onArrive: (cb: (seq: number) => void) => Promise<void>): Promise<DistMs & { lost: number }> {
  let current = -1;
  let waiting: ((t: number) => void) | undefined;
  // resolves once the subscription is known to the server: a message sent before would be lost
  await onArrive((seq) => {
    if (seq === current) waiting?.(performance.now());
  });
  const samples: number[] = [];
  let lost = 0;
  for (let i = 0; i < WARMUP + N; i++) {
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<number>((r) => {
      waiting = r;
      timer = setTimeout(() => r(Number.NaN), LOST_MS);
    });
    current = i;
    const t0 = performance.now();
    send(i);
    const t1 = await arrived;
    clearTimeout(timer);
    if (Number.isNaN(t1)) lost += 1;
    if (i >= WARMUP) samples.push(Number.isNaN(t1) ? Infinity : t1 - t0);
  }
  waiting = undefined;
  return { ...distMs(samples), lost };
}

/** The raw baseline's payload with the sequence number in its first 4 bytes (same size, no codec). */
function rawPayload(base: Uint8Array, seq: number): Uint8Array {
  const p = base.slice();
  new DataView(p.buffer, p.byteOffset, p.byteLength).setUint32(0, seq);
  return p;
}
const rawSeq = (data: Uint8Array): number => new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);

function codecMicros(): { p50Us: number; meanUs: number; bytes: number } {
  const per: number[] = [];
  const batch = 200;
  for (let i = 0; i < 20_000; i++) decode(Bias, encode(Bias, bias));
  for (let k = 0; k < (quick ? 100 : 500); k++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) decode(Bias, encode(Bias, bias));
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / batch);
  }
  per.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50Us: r(per[Math.floor(per.length / 2)] ?? NaN), meanUs: r(per.reduce((a, b) => a + b, 0) / per.length), bytes: encode(Bias, bias).byteLength };
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const conns: AlaConnection[] = [];
  try {
    for (const name of ['bench-pub', 'bench-relay-1', 'bench-relay-2', 'bench-recv']) {
      conns.push(await connect({ servers: server.url, name, logger: silentLogger }));
    }
    const [pubC, r1C, r2C, recvC] = conns as [AlaConnection, AlaConnection, AlaConnection, AlaConnection];
    const payload = encode(Bias, bias);
    const hops = ['bench.hop.0', 'bench.hop.1', 'bench.hop.2'];

    // Raw nats.js baseline: same payload bytes, no codec, no headers.
    const raw1 = await measure(
      (seq) => pubC.nc.publish(s.bias('a1'), rawPayload(payload, seq)),
      (cb) => {
        recvC.nc.subscribe(s.bias('a1'), { callback: (_e, m) => cb(rawSeq(m.data)) });
        return recvC.nc.flush();
      },
    );
    r1C.nc.subscribe(hops[0]!, { callback: (_e, m) => r1C.nc.publish(hops[1]!, m.data) });
    r2C.nc.subscribe(hops[1]!, { callback: (_e, m) => r2C.nc.publish(hops[2]!, m.data) });
    await Promise.all([r1C.nc.flush(), r2C.nc.flush()]);
    const raw3 = await measure(
      (seq) => pubC.nc.publish(hops[0]!, rawPayload(payload, seq)),
      (cb) => {
        recvC.nc.subscribe(hops[2]!, { callback: (_e, m) => cb(rawSeq(m.data)) });
        return recvC.nc.flush();
      },
    );

    // ALA Bus: typed publish with Ala-Ttl-Ms, relays decode + subtract dwell + re-encode (forward()).
    const pub = new NatsBus(pubC.nc, { logger: silentLogger });
    const r1 = new NatsBus(r1C.nc, { logger: silentLogger });
    const r2 = new NatsBus(r2C.nc, { logger: silentLogger });
    const recv = new NatsBus(recvC.nc, { logger: silentLogger });
    let lastRemaining = 0;
    const bus1 = await measure(
      (seq) => pub.publish(Bias, s.bias('a2'), { ...bias, stateSeq: seq }, { ttlMs: TTL_MS }),
      (cb) => {
        recv.subscribe(Bias, s.bias('a2'), (v) => cb(v.stateSeq));
        return recv.flush();
      },
    );
    r1.subscribe(Bias, s.advice('a3'), (v, meta) => void forward(r1, Bias, s.vote('a3'), v, meta));
    r2.subscribe(Bias, s.vote('a3'), (v, meta) => void forward(r2, Bias, s.bias('a3'), v, meta));
    await Promise.all([r1.flush(), r2.flush()]);
    const bus3 = await measure(
      (seq) => pub.publish(Bias, s.advice('a3'), { ...bias, stateSeq: seq }, { ttlMs: TTL_MS }),
      (cb) => {
        recv.subscribe(Bias, s.bias('a3'), (v, meta) => {
          lastRemaining = meta.ttlMs ?? NaN;
          cb(v.stateSeq);
        });
        return recv.flush();
      },
    );
    const codec = codecMicros();

    // the client package does not export its package.json: read it next to its entry point
    let dir = path.dirname(require.resolve('@nats-io/transport-node'));
    while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
    const clientVersion = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    const result = {
      benchmark: 'transport',
      timestamp: new Date().toISOString(),
      config: {
        messages: N,
        warmup: WARMUP,
        actions: bias.bias.length,
        payloadBytes: payload.byteLength,
        ttlMs: TTL_MS,
        quick,
        setup: 'loopback, one process, one connection per hop, one message in flight at a time',
      },
      versions: { node: process.version, natsServer: server.version, natsClient: clientVersion },
      oneWayLatency: { raw1Hop: raw1, raw3Hops: raw3, bus1Hop: bus1, bus3Hops: bus3 },
      ttlAfter3Hops: { sentMs: TTL_MS, lastReceivedMs: lastRemaining },
      codec,
      targets: {
        bus3HopsP50Le1Ms: bus3.p50Ms <= 1,
        bus3HopsP99Le5Ms: bus3.p99Ms <= 5,
        codecLe5Us: codec.p50Us <= 5,
      },
    };
    const out = path.join(__dirname, '..', 'results', 'transport.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.table({ raw1Hop: raw1, raw3Hops: raw3, bus1Hop: bus1, bus3Hops: bus3 });
    console.log(`codec encode+decode: p50 ${codec.p50Us} µs, mean ${codec.meanUs} µs (${codec.bytes} bytes)`);
    console.log(`targets: ${JSON.stringify(result.targets)}  -> ${out}`);
  } finally {
    await Promise.all(conns.map((c) => c.close()));
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
