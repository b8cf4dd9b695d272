// Where the time of a bus hop goes, measured inside real hops (run.ts measures the totals): a
// 3-hop relay chain of the bus next to raw nats.js with the same header (rawHdr) and raw nats.js
// that also decodes + encodes with the bus's codec at every hop (rawCodec), messages alternating
// between the chains one at a time on loopback, each subscription callback timed where the
// client calls it. Per chain: the publisher's send, each relay's and the receiver's callback, and
// the wire in between (socket, server, parser); for rawCodec also the parts of a relay callback
// (header read by nats.js, decode = msgpack read + every check, encode = checks + msgpack write,
// publish), i.e. what the codec costs in a real hop, not in a tight loop (run.ts's codec line).
// For a CPU profile of the same run: node --cpu-prof --cpu-prof-interval 20 --import tsx bench/transport/hop-segments.ts
// Run: npx tsx bench/transport/hop-segments.ts [--quick]   (writes bench/results/transport-segments.json, < 1 min)
import { loadavg } from 'node:os';
import { Bias, decode, encode, HEADER_TTL_MS, subjects } from '@ala/protocol';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { connect, forward, NatsBus, silentLogger, type AlaConnection } from '@ala/bus';
import { startNatsServer } from '@ala/testkit';
import { BENCH_BIAS, BENCH_TTL_MS } from './bias-fixture';
import { writeResult } from '../common';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 10_000;
const WARMUP = N / 5;
const TTL_MS = BENCH_TTL_MS;
const s = subjects('seg');
const bias: Bias = BENCH_BIAS;
const CHAINS = ['rawHdr', 'rawCodec', 'bus'] as const;
type ChainName = (typeof CHAINS)[number];
const SEGMENTS = ['send', 'wire1', 'relay1', 'wire2', 'relay2', 'wire3', 'receiver'] as const;
const PARTS = ['header', 'decode', 'encode', 'publish'] as const;

// Samples go into preallocated typed arrays: a growing array of arrays perturbs the hops it measures (GC)
/** Timestamps of the message in flight: send start/end, then start/end of each callback. */
const marks = new Float64Array(8);
let nMarks = 0;
/** Relay parts of the rawCodec chain, PARTS.length per relay callback. */
const parts = new Float64Array(2 * (N + 1) * PARTS.length);
let nParts = 0;
const mark = (): void => {
  if (nMarks < marks.length) marks[nMarks] = performance.now();
  nMarks++;
};

/** Times every subscription callback of `nc` (start and end into `marks`). */
function timeCallbacks(nc: NatsConnection): void {
  const subscribe = nc.subscribe.bind(nc);
  const timed = (subject: string, opts: { callback: (err: Error | null, msg: Msg) => void }) =>
    subscribe(subject, {
      ...opts,
      callback: (err: Error | null, msg: Msg) => {
        mark();
        opts.callback(err, msg);
        mark();
      },
    });
  (nc as unknown as { subscribe: typeof timed }).subscribe = timed;
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const conns: AlaConnection[] = [];
  try {
    for (const name of ['seg-pub', 'seg-relay-1', 'seg-relay-2', 'seg-recv']) conns.push(await connect({ servers: server.url, name, logger: silentLogger }));
    const [pubC, r1C, r2C, recvC] = conns as [AlaConnection, AlaConnection, AlaConnection, AlaConnection];
    for (const c of [r1C, r2C, recvC]) timeCallbacks(c.nc);
    let arrived: (() => void) | undefined;
    const send = {} as Record<ChainName, (seq: number) => void>;
    const hdrs = natsHeaders();
    hdrs.set(HEADER_TTL_MS, String(TTL_MS));
    const payload = encode(Bias, bias);
    for (const chain of CHAINS) {
      const [first, vote, last] = [s.advice(chain), s.vote(chain), s.bias(chain)];
      if (chain === 'bus') {
        const [pub, r1, r2, recv] = [pubC, r1C, r2C, recvC].map((c) => new NatsBus(c.nc, { logger: silentLogger })) as [NatsBus, NatsBus, NatsBus, NatsBus];
        r1.subscribe(Bias, first, (v, meta) => void forward(r1, Bias, vote, v, meta));
        r2.subscribe(Bias, vote, (v, meta) => void forward(r2, Bias, last, v, meta));
        recv.subscribe(Bias, last, () => arrived?.());
        send.bus = (seq) => pub.publish(Bias, first, { ...bias, stateSeq: seq }, { ttlMs: TTL_MS });
        continue;
      }
      const codec = chain === 'rawCodec';
      const relay = (c: AlaConnection, from: string, to: string): void =>
        void c.nc.subscribe(from, {
          callback: (_e, m) => {
            if (!codec) {
              m.headers?.get(HEADER_TTL_MS);
              return c.nc.publish(to, m.data, { headers: m.headers });
            }
            const t0 = performance.now();
            m.headers?.get(HEADER_TTL_MS);
            const t1 = performance.now();
            const value = decode(Bias, m.data);
            const t2 = performance.now();
            const data = encode(Bias, value);
            const t3 = performance.now();
            c.nc.publish(to, data, { headers: m.headers });
            if (nParts + 4 <= parts.length) parts.set([t1 - t0, t2 - t1, t3 - t2, performance.now() - t3], nParts);
            nParts += 4;
          },
        });
      relay(r1C, first, vote);
      relay(r2C, vote, last);
      recvC.nc.subscribe(last, {
        callback: (_e, m) => {
          m.headers?.get(HEADER_TTL_MS);
          if (codec) decode(Bias, m.data);
          arrived?.();
        },
      });
      send[chain] = (seq) => pubC.nc.publish(first, codec ? encode(Bias, { ...bias, stateSeq: seq }) : payload.slice(), { headers: hdrs });
    }
    await Promise.all(conns.map((c) => c.nc.flush()));

    const oneWay = Object.fromEntries(CHAINS.map((c) => [c, new Float64Array(N)])) as Record<ChainName, Float64Array>;
    const segs = Object.fromEntries(CHAINS.map((c) => [c, new Float64Array(N * SEGMENTS.length)])) as Record<ChainName, Float64Array>;
    const kept = Object.fromEntries(CHAINS.map((c) => [c, 0])) as Record<ChainName, number>;
    for (let i = 0; i < WARMUP + N; i++) {
      if (i === WARMUP) nParts = 0;
      for (const chain of CHAINS) {
        const done = new Promise<number>((r) => (arrived = () => r(performance.now())));
        nMarks = 2; // send start and end go first
        const t0 = performance.now();
        send[chain](i);
        const t1 = performance.now();
        const t2 = await done;
        if (i < WARMUP || nMarks !== 8) continue;
        marks[0] = t0;
        marks[1] = t1;
        const k = kept[chain]++;
        oneWay[chain][k] = t2 - t0;
        for (let j = 0; j < SEGMENTS.length; j++) segs[chain][k * SEGMENTS.length + j] = marks[j + 1]! - marks[j]!;
      }
    }
    const segments = Object.fromEntries(
      CHAINS.map((c) => [c, Array.from({ length: kept[c] }, (_, k) => Array.from(segs[c].subarray(k * SEGMENTS.length, (k + 1) * SEGMENTS.length)))]),
    ) as Record<ChainName, number[][]>;
    const partRows = Array.from({ length: Math.min(nParts, parts.length) / PARTS.length }, (_, k) =>
      Array.from(parts.subarray(k * PARTS.length, (k + 1) * PARTS.length)),
    );

    const pct = (xs: ArrayLike<number>, q: number): number => Math.round(Array.from(xs).sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]! * 1e4) / 10;
    const summary = (xs: ArrayLike<number>) => ({ p50Us: pct(xs, 0.5), p90Us: pct(xs, 0.9) });
    const perChain = Object.fromEntries(
      CHAINS.map((c) => {
        const rows = segments[c];
        const cpu = rows.map((x) => x[0]! + x[2]! + x[4]! + x[6]!);
        return [
          c,
          {
            oneWay: { p50Us: pct(oneWay[c].subarray(0, kept[c]), 0.5), p99Us: pct(oneWay[c].subarray(0, kept[c]), 0.99) },
            cpuPerMessage: summary(cpu),
            segments: Object.fromEntries(SEGMENTS.map((name, k) => [name, summary(rows.map((x) => x[k]!))])),
          },
        ];
      }),
    ) as unknown as Record<ChainName, { oneWay: { p50Us: number }; cpuPerMessage: { p50Us: number }; segments: Record<string, { p50Us: number }> }>;
    const rawCodecRelayParts = Object.fromEntries(PARTS.map((name, k) => [name, summary(partRows.map((x) => x[k]!))]));
    const callbacks = (c: ChainName): number => ['send', 'relay1', 'relay2', 'receiver'].reduce((a, k) => a + perChain[c].segments[k]!.p50Us, 0);
    const busAdds = {
      // p50s per hop against rawHdr: one way, and the summed p50s of the publisher's and subscribers' own calls
      oneWayPerHopUs: Math.round(((perChain.bus.oneWay.p50Us - perChain.rawHdr.oneWay.p50Us) / 3) * 10) / 10,
      callbacksPerHopUs: Math.round(((callbacks('bus') - callbacks('rawHdr')) / 3) * 10) / 10,
      relayCallbackUs: Math.round((perChain.bus.segments['relay1']!.p50Us - perChain.rawHdr.segments['relay1']!.p50Us) * 10) / 10,
    };
    const file = writeResult('transport-segments', {
      config: { messages: N, warmup: WARMUP, hops: 3, payloadBytes: payload.byteLength, quick, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
      versions: { natsServer: server.version },
      perChain,
      rawCodecRelayParts,
      busAdds,
    });
    console.table(
      Object.fromEntries(
        CHAINS.map((c) => [c, { oneWayP50: perChain[c].oneWay.p50Us, ...Object.fromEntries(SEGMENTS.map((k) => [k, perChain[c].segments[k]!.p50Us])) }]),
      ),
    );
    console.log(`rawCodec relay callback parts, p50 µs: ${PARTS.map((k) => `${k} ${rawCodecRelayParts[k]!.p50Us}`).join(', ')}`);
    console.log(
      `bus adds per hop (p50): one way ${busAdds.oneWayPerHopUs} µs, own calls ${busAdds.callbacksPerHopUs} µs; relay callback +${busAdds.relayCallbackUs} µs -> ${file}`,
    );
  } finally {
    await Promise.all(conns.map((c) => c.close()));
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
