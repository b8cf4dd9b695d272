// `npm run validate:realtime`: the realtime validation of the virtual clock (issue #15). Runs, for
// no advice and the good advisor at 3-5 s and at 50-100 ms, N seeds on the virtual clock (as the
// experiments run, and modelling the services) and on the real services in real time (one at a
// time: each takes VALIDATION_STEPS / 80 s), then writes OUT/comparison.json; `npm run results`
// renders it in docs/results.md. Resumable: finished runs are kept. Options: --seeds N (default 5)
// --out DIR (default docs/results/realtime-services) --steps N --cases a,b --sides services,lockstep,services-model
// --compare-only. Must not: touch anything outside OUT.
import { parseArgs } from 'node:util';
import { SIDES, runValidation, writeComparison, type Side } from '../packages/cli/src/experiment/validate/validate';
import { VALIDATION_STEPS } from '../packages/cli/src/experiment/validate/cases';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '5' },
      out: { type: 'string', default: 'docs/results/realtime-services' },
      steps: { type: 'string', default: String(VALIDATION_STEPS) },
      cases: { type: 'string' },
      sides: { type: 'string' },
      'compare-only': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.seeds);
  const steps = Number(values.steps);
  const sides = values.sides?.split(',') as Side[] | undefined;
  if (!(Number.isSafeInteger(n) && n >= 1) || !(Number.isSafeInteger(steps) && steps >= 1024)) {
    process.stderr.write('validate:realtime: --seeds must be an integer >= 1 and --steps an integer >= 1024\n');
    return 2;
  }
  if (sides?.some((s) => !SIDES.includes(s))) {
    process.stderr.write(`validate:realtime: --sides must be a list of ${SIDES.join(', ')}\n`);
    return 2;
  }
  const command = `npm run validate:realtime -- ${process.argv.slice(2).join(' ')}`.trim();
  if (!values['compare-only']) {
    const seeds = Array.from({ length: n }, (_, i) => i + 1);
    const r = await runValidation({
      out: values.out,
      seeds,
      steps,
      ...(values.cases ? { cases: values.cases.split(',') } : {}),
      ...(sides ? { sides } : {}),
      command,
      onLine: (l) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`),
    });
    process.stdout.write(`ran ${r.ran}, kept ${r.skipped}\n`);
  }
  const c = await writeComparison(values.out, values['compare-only'] ? undefined : command, steps);
  for (const k of c.cases)
    for (const m of k.models)
      for (const x of m.measures)
        process.stdout.write(
          `${k.id} ${m.model} ${x.measure}: services ${x.services.mean.toFixed(2)}±${x.services.half.toFixed(2)} virtual ${x.virtual.mean.toFixed(2)}±${x.virtual.half.toFixed(2)} in CI ${x.virtualInServicesCi ? 'yes' : 'NO'}\n`,
        );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`validate:realtime: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
