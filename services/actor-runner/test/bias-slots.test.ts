// The shared-memory hand-off of the thread bias intake (bias-slots.ts) and the table's pull: a
// written slot is read back exactly once, unchanged slots cost nothing, a slot caught mid-write is
// 'busy' (never a torn entry), a slot a dead writer left half-written is voided by repair() and the
// table keeps what it had, counters survive their uint32 wrap; a seeded property test against a
// plain map of "latest write per agent"; and a real concurrent writer thread, whose every entry is
// self-consistent, so a torn read would show.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { allocBiasSlots, BiasSlots, COUNTER, CounterTotals, INTAKE_COUNTERS } from '../src/bias-slots';
import { admitBias, BiasTable } from '../src/bias-table';

const ids = ['a-0', 'a-1', 'a-2'];

test('a written slot is read back once, with its values, times and advice id', () => {
  const slots = new BiasSlots(allocBiasSlots(3, 2));
  const out = new Float64Array(2);
  expect(slots.read(1, 0, out)).toBeUndefined(); // never written
  slots.write(1, [0.5, -0.25], 10, 1010, 11, 'adv-x_Y-9');
  expect(slots.version()).toBe(1);
  const e = slots.read(1, 0, out);
  expect(e).toEqual({ seq: 2, adviceId: 'adv-x_Y-9', receivedAt: 10, deadline: 1010, acceptedAt: 11 });
  expect(Array.from(out)).toEqual([0.5, -0.25]);
  expect(slots.read(1, 2, out)).toBeUndefined(); // unchanged since seq 2
  expect(() => slots.write(0, [0, 0], 0, 1, 0, 'x'.repeat(65))).toThrow(RangeError);
});

test('a slot caught in the middle of a write is busy, never torn; repair() voids it and the table keeps its entry', () => {
  const buffers = allocBiasSlots(3, 2);
  const slots = new BiasSlots(buffers);
  const table = new BiasTable(ids, 2);
  slots.write(0, [0.5, 0.5], 0, 1000, 0, 'first');
  expect(table.pull(slots).map(([i, e]) => [i, e.adviceId])).toEqual([[0, 'first']]);
  // a writer that stopped half-way: sequence left odd, data half new
  const ctrl = new Int32Array(buffers.ctrl);
  Atomics.add(ctrl, 1, 1);
  new Float64Array(buffers.f64)[3] = 0.9;
  Atomics.add(ctrl, 0, 1);
  expect(slots.read(0, 2, new Float64Array(2))).toBe('busy');
  expect(table.pull(slots)).toEqual([]);
  expect(table.entry('a-0')?.adviceId).toBe('first');
  // a new writer repairs the slot: the reader skips the voided entry and keeps its own
  expect(new BiasSlots(buffers).repair()).toBe(1);
  expect(table.pull(slots)).toEqual([]);
  expect(table.entry('a-0')?.adviceId).toBe('first');
  expect(table.prepare(1)).toBe(1);
  expect(Array.from(table.bias.subarray(0, 2))).toEqual([0.5, 0.5]);
  // and the next write goes through
  slots.write(0, [-1, 1], 2, 1000, 2, 'second');
  expect(table.pull(slots).map(([, e]) => e.adviceId)).toEqual(['second']);
  expect(Array.from(table.bias.subarray(0, 2))).toEqual([-1, 1]);
});

test('the table: a pulled entry replaces the agent entry and expires at its deadline like a set one', () => {
  const slots = new BiasSlots(allocBiasSlots(3, 2));
  const table = new BiasTable(ids, 2);
  table.set('a-2', [0.1, 0.1], { adviceId: 'restored', receivedAt: 0, deadline: 500 }, 0);
  slots.write(2, [1, -1], 5, 100, 6, 'live');
  expect(table.pull(slots)).toHaveLength(1);
  expect(table.counts.replaced).toBe(1);
  expect(table.prepare(99)).toBe(1);
  expect(table.ageMs[2]).toBe(94);
  table.markApplied();
  expect(table.prepare(100)).toBe(0); // deadline 100: void at 100
  expect(table.counts).toMatchObject({ expired: 1, expiredUnused: 0 });
});

test('counters: totals survive the uint32 wrap; update returns the increments', () => {
  const buffers = allocBiasSlots(1, 1);
  const slots = new BiasSlots(buffers);
  const totals = new CounterTotals();
  new Uint32Array(buffers.counters)[COUNTER.busIn] = 2 ** 32 - 3;
  expect(totals.update(slots.rawCounters()).busIn).toBe(2 ** 32 - 3);
  slots.count(COUNTER.busIn, 5); // wraps to 2
  slots.count(COUNTER.accepted);
  const d = totals.update(slots.rawCounters());
  expect(d).toMatchObject({ busIn: 5, accepted: 1 });
  expect(totals.totals).toMatchObject({ busIn: 2 ** 32 + 2, accepted: 1 });
  expect(Object.keys(totals.totals)).toEqual([...INTAKE_COUNTERS]);
});

test('property: after any writes and pulls, the table holds the latest admitted write per agent', () => {
  const write = fc.record({ agent: fc.integer({ min: 0, max: 2 }), v: fc.double({ min: -5, max: 5, noNaN: true }), pullAfter: fc.boolean() });
  fc.assert(
    fc.property(fc.array(write, { maxLength: 60 }), (writes) => {
      const slots = new BiasSlots(allocBiasSlots(3, 2));
      const table = new BiasTable(ids, 2);
      const latest = new Map<number, { id: string; row: number[] }>();
      const row = new Float64Array(2);
      writes.forEach((w, k) => {
        const r = admitBias([w.v, -w.v], 2, 0, 1000, 0, { bound: 1, maxTtlMs: 10_000 }, row, 0);
        if (typeof r === 'string') throw new Error(r);
        slots.write(w.agent, row, 0, r.deadline, 0, `w${k}`);
        latest.set(w.agent, { id: `w${k}`, row: Array.from(row) });
        if (w.pullAfter) table.pull(slots);
      });
      table.pull(slots);
      for (let i = 0; i < 3; i++) {
        const want = latest.get(i);
        expect(table.entry(ids[i]!)?.adviceId).toBe(want?.id);
        if (want) expect(Array.from(table.bias.subarray(2 * i, 2 * i + 2))).toEqual(want.row);
      }
    }),
    { seed: 13, numRuns: 200 },
  );
});

test('a concurrent writer thread: every entry the reader takes is whole (no torn read)', async () => {
  const nActions = 16;
  const buffers = allocBiasSlots(2, nActions);
  const slots = new BiasSlots(buffers);
  // the writer rewrites both slots as fast as it can; entry k has every value, both times and the id equal to k
  const src = `
    require(${JSON.stringify(require.resolve('tsx/cjs'))});
    const { workerData, parentPort } = require('node:worker_threads');
    const { BiasSlots } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'bias-slots.ts'))});
    const slots = new BiasSlots(workerData);
    const row = new Float64Array(${nActions});
    const until = Date.now() + 600;
    let k = 0;
    while (Date.now() < until) { k++; row.fill(k); slots.write(k % 2, row, k, k, k, 'k' + k); }
    parentPort.postMessage(k);`;
  const worker = new Worker(src, { eval: true, workerData: buffers });
  const done = new Promise<number>((r) => worker.once('message', r));
  const out = new Float64Array(nActions);
  const last = [0, 0];
  let taken = 0;
  let busy = 0;
  let bad = 0;
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    for (let n = 0; n < 400; n++)
      for (let i = 0; i < 2; i++) {
        const e = slots.read(i, last[i]!, out);
        if (e === undefined) continue;
        if (e === 'busy') {
          busy++;
          continue;
        }
        last[i] = e.seq;
        taken++;
        const k = e.deadline;
        if (e.receivedAt !== k || e.acceptedAt !== k || e.adviceId !== `k${k}` || out.some((x) => x !== k)) bad++;
      }
    await new Promise((r) => setImmediate(r));
  }
  const writes = await done;
  await worker.terminate();
  expect(writes).toBeGreaterThan(1000);
  expect(taken).toBeGreaterThan(0);
  expect(bad).toBe(0);
  console.log(`seqlock: ${writes} writes, ${taken} entries taken, ${busy} busy reads, 0 torn`);
});
