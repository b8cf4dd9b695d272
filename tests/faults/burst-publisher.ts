// Child process of the burst fault test: publishes N valid Bias messages (TTL 5 s) round-robin to
// the given agents as fast as the client allows, flushes, prints the count and exits. A separate
// process so that publishing does not run on the actor's event loop. Must not: measure anything.
// Usage: node --import tsx burst-publisher.ts <natsUrl> <prefix> <n> <agentId>...
import { connect, headers } from '@nats-io/transport-node';
import { Bias, encode, subjects } from '@ala/protocol';

async function main(): Promise<void> {
  const [url, prefix, nStr, ...agents] = process.argv.slice(2);
  const n = Number(nStr);
  const s = subjects(prefix);
  const nc = await connect({ servers: url!, name: 'burst' });
  const h = headers();
  h.set('Ala-Ttl-Ms', '5000');
  const payloads = agents.map((agentId, i) =>
    encode(Bias, { v: 1, agentId, adviceId: `burst-${i}`, stateSeq: 1, bias: [0.5, -0.5], bound: 1, ttlMs: 5000, createdAt: Date.now() }),
  );
  for (let i = 0; i < n; i++) {
    const k = i % agents.length;
    nc.publish(s.bias(agents[k]!), payloads[k]!, { headers: h });
    if (i % 5000 === 4999) await nc.flush(); // keep the client's outbound buffer bounded
  }
  await nc.flush();
  await nc.close();
  process.stdout.write(`${n}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
