// The realtime validation on the real services at toy size (in the long fault suite: it runs in
// real time): `runValidation` runs the 50-100 ms advisor case for one seed on the `ala up` stack
// (a nats-server started here, every service, the learner in its worker thread) and on the
// lockstep virtual loop, 2,048 env steps each (26 s of real time); then `writeComparison` writes
// comparison.json. Checks the services run is well formed: one curve point per chunk, the stored
// policy of the right version evaluated, policy swaps measured 0 <= lag < one chunk, most steps
// advised, and a rerun reruns nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runValidation, writeComparison, type ValidationRunFile } from '../../packages/cli/src/experiment/validate/validate';

jest.setTimeout(180_000);

const dir = mkdtempSync(path.join(tmpdir(), 'ala-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a toy validation runs the real services and the virtual loop and compares them', async () => {
  const opts = { out: dir, seeds: [1], steps: 2048, cases: ['good-50ms'], sides: ['services', 'lockstep'] as const, command: 'test' };
  const r = await runValidation(opts);
  expect(r).toEqual({ ran: 2, skipped: 0 });
  const svc = JSON.parse(readFileSync(path.join(dir, 'services', 'good-50ms', 'seed-1.json'), 'utf8')) as ValidationRunFile;
  expect(svc.side).toBe('services');
  expect(svc.result.curve.map((p) => p.envSteps)).toEqual([1024, 2048]);
  expect(svc.result.evals).toHaveLength(1);
  expect(svc.result.evals[0]!.envSteps).toBe(2048);
  expect(Number.isFinite(svc.result.evals[0]!.ret)).toBe(true);
  const lags = svc.extra!.policyLagSteps;
  expect(lags.length).toBeGreaterThanOrEqual(1);
  for (const l of lags) {
    expect(l).toBeGreaterThanOrEqual(0); // 0: the update (~0.1 s) finished within the pacing sleep, before the next step
    expect(l).toBeLessThan(1024);
  }
  expect(svc.result.advice.advisedSteps / svc.result.envSteps).toBeGreaterThan(0.5);
  expect(svc.extra!.stats.actor!.loopErrors).toBe(0);
  expect(await runValidation(opts)).toEqual({ ran: 0, skipped: 2 });
  const c = await writeComparison(dir, 'test', 2048);
  const fast = c.cases.find((k) => k.id === 'good-50ms')!;
  expect(fast.seeds.services).toEqual([1]);
  expect(fast.seeds.lockstep).toEqual([1]);
  const lock = fast.models.find((m) => m.model === 'lockstep')!;
  expect(lock.measures.find((m) => m.measure === 'piAlone')!.services.n).toBe(1);
});
