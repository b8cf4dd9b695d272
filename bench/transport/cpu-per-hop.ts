// CPU time of one relay hop with the socket taken out: a received message (a real nats.js MsgImpl
// with the header bytes a server would deliver) goes through the subscriber and is published again,
// into a stand-in connection that serialises the headers as nats.js does and keeps the bytes. The bus
// hop (NatsBus receive: header, TTL, decode, checks; forward(): remaining TTL, encode, publish) next
// to a raw nats.js relay carrying the same header (parse the header block, read Ala-Ttl-Ms, publish
// the bytes with the received headers). Load on a shared machine stretches latencies; this measures
// the work itself. Must not: open sockets or write files.
import { Bias, encode, HEADER_TTL_MS, subjects } from '@ala/protocol';
import { MsgImpl } from '@nats-io/nats-core/internal';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { forward, NatsBus, silentLogger } from '@ala/bus';

type Callback = (err: Error | null, msg: Msg) => void;
interface Sent {
  subject: string;
  data: Uint8Array;
  hdr: Uint8Array;
}

/** A connection stand-in: subscribe keeps the callback, publish serialises the headers (as nats.js) and keeps the bytes. */
function standIn(): { nc: NatsConnection; deliverLast(): void } {
  let callback: Callback | undefined;
  let last: Sent | undefined;
  const TE = new TextEncoder();
  const reply = new Uint8Array(0);
  const nc = {
    publish(subject: string, data: Uint8Array, opts?: { headers?: MsgHdrs }) {
      last = { subject, data, hdr: (opts?.headers as (MsgHdrs & { encode(): Uint8Array }) | undefined)?.encode() ?? new Uint8Array(0) };
    },
    subscribe(_subject: string, opts: { callback: Callback }) {
      callback = opts.callback;
      return { isClosed: () => false, unsubscribe: () => undefined };
    },
    flush: () => Promise.resolve(),
  };
  return {
    nc: nc as unknown as NatsConnection,
    deliverLast: () => {
      const l = last!;
      const rdata = new Uint8Array(l.hdr.length + l.data.length); // one buffer per message, as the client's parser hands it over
      rdata.set(l.hdr);
      rdata.set(l.data, l.hdr.length);
      const arg = { subject: TE.encode(l.subject), reply, sid: 1, hdr: l.hdr.length > 0 ? l.hdr.length : -1, size: rdata.length };
      callback!(null, new MsgImpl(arg, rdata, nc as never));
    },
  };
}

/** p50 and min over batches of µs per hop. */
async function time(hop: () => void, quick: boolean): Promise<{ p50Us: number; minUs: number }> {
  const per: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    hop();
    await Promise.resolve();
  }
  for (let k = 0; k < (quick ? 100 : 400); k++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) {
      hop();
      await Promise.resolve(); // a relay hands back to the event loop between messages
    }
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / 200);
  }
  per.sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { p50Us: r(per[Math.floor(per.length / 2)]!), minUs: r(per[0]!) };
}

export async function cpuPerHop(
  bias: Bias,
  ttlMs: number,
  quick: boolean,
): Promise<{ busUs: { p50Us: number; minUs: number }; rawHdrUs: { p50Us: number; minUs: number }; addedP50Us: number }> {
  const s = subjects('cpu');
  const busConn = standIn();
  const bus = new NatsBus(busConn.nc, { logger: silentLogger });
  bus.subscribe(Bias, s.advice('a'), (v, meta) => void forward(bus, Bias, s.advice('a'), v, meta));
  bus.publish(Bias, s.advice('a'), bias, { ttlMs });

  const rawConn = standIn();
  const hdrs = natsHeaders();
  hdrs.set(HEADER_TTL_MS, String(ttlMs));
  const { nc } = rawConn;
  nc.subscribe(s.advice('b'), {
    callback: (_e, m) => {
      m.headers?.get(HEADER_TTL_MS);
      nc.publish(s.advice('b'), m.data, { headers: m.headers });
    },
  });
  nc.publish(s.advice('b'), encode(Bias, bias), { headers: hdrs }); // the bytes the bus sends

  const rawHdrUs = await time(rawConn.deliverLast, quick);
  const busUs = await time(busConn.deliverLast, quick);
  return { busUs, rawHdrUs, addedP50Us: Math.round((busUs.p50Us - rawHdrUs.p50Us) * 100) / 100 };
}
