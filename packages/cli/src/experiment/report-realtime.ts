// The realtime section of docs/results.md: the validation of the virtual clock against the real
// services (DIR/realtime-services/comparison.json, written by `npm run validate:realtime`).
// Must not: run anything or write files.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fmtCi, type MeanCi } from './stats';
import type { ComparisonFile } from './validate/validate';

export const SERVICES_DIR = 'realtime-services';

const MODEL_LABEL = { lockstep: 'lockstep', 'services-model': 'services model' } as const;

function fmt(c: MeanCi, digits = 2): string {
  return `${fmtCi(c, digits)}${c.n > 0 ? ` (${c.n})` : ''}`;
}

/** The comparison table of the services validation, or a line saying how to produce it. */
async function servicesSection(dir: string): Promise<string[]> {
  const file = path.join(dir, SERVICES_DIR, 'comparison.json');
  let c: ComparisonFile;
  try {
    c = JSON.parse(await fs.readFile(file, 'utf8')) as ComparisonFile;
  } catch {
    return ['## Virtual clock against the real services', '', `Not run yet (\`npm run validate:realtime\` writes \`${SERVICES_DIR}/comparison.json\`).`, ''];
  }
  const rows: string[] = [];
  const misses: Record<string, string[]> = { lockstep: [], 'services-model': [] };
  let tests = 0;
  for (const k of c.cases) {
    for (const m of k.models) {
      for (const x of m.measures) {
        rows.push(
          `| ${k.label} | ${MODEL_LABEL[m.model]} | ${x.label} | ${fmt(x.services)} | ${fmt(x.virtual)} | ${x.virtualInServicesCi ? 'yes' : '**NO**'} | ${fmtCi(x.diff)} |`,
        );
        if (x.services.n === 0 || (x.services.mean === 0 && x.services.half === 0 && x.virtual.mean === 0)) continue; // nothing to test (no advice: 0 advised steps)
        tests += 1;
        if (!x.virtualInServicesCi)
          misses[m.model]!.push(
            `${k.label}: ${x.label} (services ${fmtCi(x.services)}, virtual ${fmtCi(x.virtual)}${x.diffCovers0 ? "; Welch's interval of the difference contains 0" : ''})`,
          );
      }
    }
  }
  const verdict = (model: keyof typeof MODEL_LABEL): string =>
    misses[model]!.length === 0
      ? `**${MODEL_LABEL[model]}: every measure within the interval.**`
      : `**${MODEL_LABEL[model]}: outside the interval:** ${misses[model]!.join('; ')}.`;
  const diag = c.cases.map(
    (k) =>
      `| ${k.label} | ${k.snapshotEvery || '–'} | ${fmtCi(k.services.policyLagSteps, 1)} | ${fmtCi(k.services.updateSeconds, 3)} | ${fmtCi(k.services.adviceAgeMs, 0)} | ${k.services.advisedPctRange.map((x) => x.toFixed(1)).join('-')} | ${fmtCi(k.adviceAgeMs.lockstep, 0)} / ${fmtCi(k.adviceAgeMs['services-model'], 0)} | ${fmtCi(k.services.wallSeconds, 0)} | ${fmtCi(k.services.loadavg1, 1)} |`,
  );
  return [
    '## Virtual clock against the real services',
    '',
    `The real system, in real time: the \`ala up\` stack (a nats-server, actor-runner, advisor-worker with the scripted backend drawing each thinking time uniformly from the advisor's range with a seeded generator, vote-aggregator, bias-router, ppo-learner in its worker thread) configured like the advice-vs-none experiment (CraftWorld-v0, 8 agents at 10 steps/s, chunks of 128 steps = one learner batch of 1,024, 64-64 MLP, accuracy 0.9, TTL 10 s / 200 ms, β = B = 1), ${c.steps.toLocaleString('en-US')} env steps per run (${(c.steps / 80).toFixed(0)} s of real time). ` +
      'π alone is the stored policy of the same version the virtual run evaluates, evaluated after the run by the same code on the same envs. ' +
      'Against it, the virtual loop two ways over the same seeds: **lockstep** (the new policy acts the step after its chunk, an answer is usable the step after it arrives, one snapshot in flight per agent) and the **services model** ' +
      `(the new policy acts ${c.policyDelayMs} ms after its chunk while the actors act on with the previous one, answers reach the actor ${c.deliveryMs} ms after the vote, snapshots every n steps of an agent as the actor takes them; both constants set before the comparison). ` +
      "The experiments above run with the services model's two delays and their own snapshot schedule (a new snapshot of an agent once its previous one is answered, as an LLM advisor with one request per agent in flight). " +
      '"In CI" = the virtual mean lies in the 95 % Student-t interval of the services\' mean (the test the issue asks for); the last column is Welch\'s interval of services − virtual.',
    '',
    `Commands: ${c.commands.map((x) => `\`${x}\``).join(', ') || '–'}; git revision(s): ${c.gitRevisions.map((r) => `\`${r.replace(/^([0-9a-f]{12})[0-9a-f]*/, '$1')}\``).join(', ')}; written ${c.writtenAt.slice(0, 16)} UTC.`,
    '',
    verdict('lockstep'),
    '',
    verdict('services-model'),
    '',
    `${tests} comparisons at 95 % each: about ${(tests * 0.05).toFixed(1)} would fall outside by chance alone. ` +
      'How the models differ (design, not fitted): on the services an answer 50-100 ms after its snapshot, plus its delivery, can miss the step 100 ms later; with a 200 ms TTL it then expires, and the previous advice has expired too, so that step is unadvised. The lockstep loop delivers every such answer in time for the next step. How often an answer misses depends on how fast the services deliver on the shared machine at the time (the spread of single runs below); the services model fixes the delivery at the constant above. At 3-5 s with a 10 s TTL the few ms do not matter.',
    '',
    '| configuration | virtual model | measure | services (seeds) | virtual (seeds) | in CI | services − virtual |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    "Measured on the services (mean ± 95 % CI; policy lag over every policy swap of every seed, env steps of all 8 agents from a chunk's end to its policy acting; advice age = ms from an advice's arrival at the actor to each step it steers, services vs lockstep / services model; load = 1-minute load average of the shared 2-core machine around each run):",
    '',
    '| configuration | snapshot every (steps) | policy lag (env steps) | update (s) | advice age, services (ms) | advised steps (%), services, lowest-highest run | advice age, virtual (ms) | wall s per run | load |',
    '|---|---|---|---|---|---|---|---|---|',
    ...diag,
    '',
  ];
}

export async function validation(dir: string): Promise<string[]> {
  return servicesSection(dir);
}
