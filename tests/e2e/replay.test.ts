// `ala up` then `ala replay` of that run on a real nats-server: the original run (scripted advisor)
// writes RUN/advice-log.jsonl from stream ALA_ADVICE_LOG; the replay publishes the recorded advice
// at the recorded offsets with no advisor, and its own advice log must be identical to the
// original's (advice: content, ids, order, headers exactly; offsets within the tolerance). Votes,
// made again by the aggregator on its own timers, are compared by content.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '@ala/bus';
import type { NatsServerHandle } from '@ala/testkit';
import { runUp } from '../../packages/cli/src/commands/up';
import { runReplay } from '../../packages/cli/src/commands/replay';
import { parseAdviceLog } from '../../packages/cli/src/replay/advice-log-file';
import { natsServerPerFile, tempDir } from './harness';

jest.setTimeout(60_000);

let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

test('ala replay of an ala up run reproduces its advice log', async () => {
  const run = tempDir('replay-orig');
  const common = { natsUrl: server.url, progress: 'none', logger: silentLogger, evalEpisodes: 0 } as const;
  process.env.ALA_AGG_WINDOW_MS = '7'; // recorded in config.json `voting`, which the replay uses
  try {
    await runUp({ ...common, agents: 4, stepHz: 50, maxSeconds: 2, out: run });
  } finally {
    delete process.env.ALA_AGG_WINDOW_MS;
  }
  const original = parseAdviceLog(readFileSync(path.join(run, 'advice-log.jsonl'), 'utf8'));
  const advice = original.records.filter((r) => r.kind === 'advice');
  const votes = original.records.filter((r) => r.kind === 'vote');
  expect(advice.length).toBeGreaterThan(50);
  expect(votes.length).toBeGreaterThan(50);
  expect(original.records.filter((r) => r.kind === 'invalid')).toEqual([]);
  expect(new Set(advice.map((r) => r.kind === 'advice' && r.payload.adviceId)).size).toBe(advice.length);
  expect(advice.every((r) => r.ttlMs !== null && r.ttlMs > 0 && r.offsetMs >= 0)).toBe(true);
  expect(original.meta).toMatchObject({ prefix: 'ala', stream: 'ALA_ADVICE_LOG', lost: 0, records: original.records.length });

  const out = tempDir('replay-again');
  // offsets: the replay shares its event loop with the actor on a shared 2-core box, so a stall
  // delays a few advice (each is still published in order, with its recorded Ala-Ttl-Ms)
  const r = await runReplay({ ...common, run, out, toleranceMs: 1000 });
  const c = r.comparison;
  process.stdout.write(`replay comparison: ${JSON.stringify(c)}\n`);
  expect(c.advice).toMatchObject({ original: advice.length, replay: advice.length, mismatched: 0, firstDifference: null });
  expect(c.advice.offsetDiffMs.p50).toBeLessThan(25);
  expect(c.identical).toBe(true);
  expect(c.invalid).toEqual({ original: 0, replay: 0 });
  // the replay's own log: no advisor ran, the same advice ids in the same order
  const ids = (l: typeof original): string[] => l.records.flatMap((x) => (x.kind === 'advice' ? [x.payload.adviceId] : []));
  expect(ids(r.replayed)).toEqual(ids(original));
  // votes are made again from the replayed advice: equal on the same advice; which advice expires
  // before its vote depends on timing, so some votes exist on one side only
  expect(c.votes.differing).toBe(0);
  expect(c.votes.matched).toBeGreaterThan(c.votes.original / 2);
  expect(c.votes.samePerAgentOrder).toBe(true);
  const report = JSON.parse(readFileSync(path.join(out, 'replay-report.json'), 'utf8')) as { identical: boolean };
  expect(report.identical).toBe(true);
  const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as {
    replayOf: string;
    seed: number;
    voting: { aggregator: { windowMs: number } };
  };
  expect(config.replayOf).toBe(path.resolve(run));
  expect(config.seed).toBe(1);
  expect(config.voting.aggregator.windowMs).toBe(7);
});

test('ala replay refuses, before starting anything, a directory that is not a run, a run without an advice log, and a damaged log', async () => {
  const dir = tempDir('replay-bad');
  const args = { natsUrl: server.url, progress: 'none', logger: silentLogger, out: path.join(dir, 'out') } as const;
  await expect(runReplay({ ...args, run: dir })).rejects.toThrow(/config.json cannot be read.*`ala up` run directory/);
  const config = {
    command: 'ala up',
    options: { envId: 'CartPole-v1', agents: 2, stepHz: 50, advisor: 'scripted', advisorLatencyMs: 5, adviceTtlMs: 100, seed: 3 },
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  await expect(runReplay({ ...args, run: dir })).rejects.toThrow(/advice-log.jsonl cannot be read.*in-process bus, or with ALA_ADVICE_LOG=false/);
  writeFileSync(path.join(dir, 'advice-log.jsonl'), '{"format":"ala.advice-log","v":1}\n');
  await expect(runReplay({ ...args, run: dir })).rejects.toThrow(/advice-log.jsonl: advice log line 1: meta.startedAtMs must be a number/);
  await expect(runReplay({ ...args, run: dir, transport: 'in-process' })).rejects.toThrow(/--transport must be auto or nats/);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, options: { ...config.options, advisor: 'none' } }));
  await expect(runReplay({ ...args, run: dir })).rejects.toThrow(/ran without advice/);
  const voting = { aggregator: { windowMs: -1 }, router: {} };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, voting }));
  await expect(runReplay({ ...args, run: dir })).rejects.toThrow(/config.json voting: windowMs=-1: windowMs must be a number/);
  expect(existsSync(args.out)).toBe(false);
});
