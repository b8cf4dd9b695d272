// `ala experiment report DIR`: from the runs under DIR, writes DOCS/results.md (the verdict on
// each claim of the paper first, then per experiment the claim, design, command, git revision,
// tables of means with 95 % intervals over seeds and figures), the figures as Vega-Lite SVGs in
// DIR/figures/ and one summary.csv per experiment next to its raw JSON. Experiments without runs
// are listed as not run; no number is written that no run produced.
// Must not: run experiments.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MILESTONES } from '@ala/envs';
import { bandChartSvg, sweepChartSvg, type BandPoint } from './charts';
import { EXPERIMENTS } from './registry';
import { loadResults, meanCurve, over, secondHalfEval, type ConfigResults, type ExperimentResults, type RunSummary } from './report-data';
import { llmTable } from './report-extra';
import { headline } from './report-verdicts';
import { validation } from './report-realtime';
import { diffCi, fmtCi, verdict } from './stats';

const CSV_COLUMNS: (keyof RunSummary)[] = [
  'config',
  'seed',
  'evalFinal',
  'evalAuc',
  'evalSuccess',
  'behaviourFinal',
  'behaviourAuc',
  'advisedFrac',
  'maxLogRatio',
  'isWeightMean',
  'isWeightMax',
  'essOverN',
  'klMuPi',
  'envSteps',
  'runSeconds',
  'wallSeconds',
  'gitRevision',
];

function csv(e: ExperimentResults): string {
  const rows = e.configs.flatMap((c) => c.runs.map((r) => CSV_COLUMNS.map((k) => String(r[k])).join(',')));
  return `${CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

const band = (series: string, pts: { x: number; ci: { mean: number; half: number } }[]): BandPoint[] =>
  pts.filter((p) => Number.isFinite(p.ci.mean)).map((p) => ({ series, x: p.x, y: p.ci.mean, lo: p.ci.mean - p.ci.half, hi: p.ci.mean + p.ci.half }));

/** Writes the figures of one experiment; returns their paths relative to the docs directory. */
async function figures(e: ExperimentResults, figDir: string, docsDir: string): Promise<string[]> {
  const done = e.configs.filter((c) => c.runs.length > 0);
  const out: string[] = [];
  const write = async (name: string, svg: string): Promise<void> => {
    const file = path.join(figDir, `${e.meta.name}-${name}.svg`);
    await fs.writeFile(file, svg);
    out.push(path.relative(docsDir, file));
  };
  const evalPts = done.flatMap((c) =>
    band(
      c.cfg.label,
      meanCurve(
        c.runs,
        (r) => r.evals,
        (p) => p.ret,
      ),
    ),
  );
  await write('eval', await bandChartSvg(evalPts, { title: `${e.meta.name}: π alone (no advice), mean and 95 % CI over seeds`, x: 'env steps', y: 'return' }));
  const behPts = done.flatMap((c) =>
    band(
      c.cfg.label,
      meanCurve(
        c.runs,
        (r) => r.curve,
        (p) => p.ret100,
      ),
    ),
  );
  await write('behaviour', await bandChartSvg(behPts, { title: `${e.meta.name}: behaviour (with advice), last 100 episodes`, x: 'env steps', y: 'return' }));
  if (e.meta.xLabel) {
    const swept = done.filter((c) => c.cfg.x !== undefined);
    const series = e.meta.name === 'is-modes' ? (c: ConfigResults) => c.cfg.id.split('-')[0]! : () => 'π alone, mean over training';
    const pts: BandPoint[] = swept.map((c) => {
      const m = over(c, (r) => r.evalAuc);
      return { series: series(c), x: c.cfg.x!, y: m.mean, lo: m.mean - m.half, hi: m.mean + m.half };
    });
    if (e.meta.name !== 'is-modes')
      for (const c of swept) {
        const m = over(c, (r) => r.behaviourAuc);
        pts.push({ series: 'behaviour, mean over training', x: c.cfg.x!, y: m.mean, lo: m.mean - m.half, hi: m.mean + m.half });
      }
    // the no-advice baseline as reference lines, not as a point (x = 0 has no place on a log axis)
    const none = done.find((c) => c.cfg.id === 'none');
    const rules = none
      ? [
          { y: over(none, (r) => r.evalAuc).mean, label: 'no advice: π alone' },
          { y: over(none, (r) => r.behaviourAuc).mean, label: 'no advice: behaviour' },
        ]
      : [];
    await write(
      'sweep',
      await sweepChartSvg(
        pts.filter((p) => !(none !== undefined && none.cfg.x !== undefined && p.x === none.cfg.x)),
        {
          title: `${e.meta.name}: return against ${e.meta.xLabel}`,
          x: e.meta.xLabel,
          y: 'return (mean over training)',
          xLog: e.meta.name.endsWith('latency-sweep'),
          rules: e.meta.name === 'is-modes' ? [] : rules,
        },
      ),
    );
  }
  return out;
}

function mainTable(e: ExperimentResults): string[] {
  const none = e.configs.find((c) => c.cfg.id === 'none' && c.runs.length > 0);
  const lines = [
    '| configuration | seeds | π alone, end | π alone, mean over training | Δ vs no advice (mean over training) | behaviour (with advice), end | advised steps | max \\|log μ/π\\| (2βB) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of e.configs) {
    if (c.runs.length === 0) {
      lines.push(`| ${c.cfg.label} | 0 | not run | | | | | |`);
      continue;
    }
    const d =
      none && c !== none
        ? diffCi(
            c.runs.map((r) => r.evalAuc),
            none.runs.map((r) => r.evalAuc),
          )
        : undefined;
    const bound = 2 * c.cfg.config.beta * c.cfg.config.bound;
    lines.push(
      `| ${c.cfg.label} | ${c.runs.length} | ${fmtCi(over(c, (r) => r.evalFinal))} | ${fmtCi(over(c, (r) => r.evalAuc))} | ${d ? `${fmtCi(d)} (${verdict(d)})` : ''} | ${fmtCi(over(c, (r) => r.behaviourFinal))} | ${fmtCi(
        over(c, (r) => 100 * r.advisedFrac),
        0,
      )} % | ${Math.max(...c.runs.map((r) => r.maxLogRatio)).toFixed(2)} (${bound}) |`,
    );
  }
  return lines;
}

function milestoneTable(e: ExperimentResults): string[] {
  const done = e.configs.filter((c) => c.runs.length > 0);
  const cfg0 = done[0]?.cfg.config;
  if (!cfg0 || !cfg0.envId.startsWith('CraftWorld')) return [];
  const rate = cfg0.agents * cfg0.stepHz;
  const cell = (c: ConfigResults, j: number, evalMode: boolean): string => {
    const v = c.runs.map((r) => (evalMode ? r.milestoneStepsEval : r.milestoneSteps)[j]).filter((x): x is number => x !== null);
    if (v.length === 0) return `not (0/${c.runs.length})`;
    const m = over(
      { cfg: c.cfg, runs: c.runs.filter((r) => (evalMode ? r.milestoneStepsEval : r.milestoneSteps)[j] !== null) },
      (r) => (evalMode ? r.milestoneStepsEval : r.milestoneSteps)[j]!,
    );
    return `${(m.mean / 1000).toFixed(1)}k ± ${Number.isFinite(m.half) ? (m.half / 1000).toFixed(1) : '–'}k (${(m.mean / rate).toFixed(0)} s; ${v.length}/${c.runs.length})`;
  };
  const out: string[] = [];
  for (const [evalMode, what] of [
    [false, 'behaviour (with advice; last 100 episodes)'],
    [true, 'π alone (evaluations)'],
  ] as const) {
    out.push(
      '',
      `Env steps (thousands, mean ± 95 % CI over the seeds that got there; run-clock seconds at ${rate} steps/s; seeds that got there) from which on a milestone is reached in at least half the episodes until the end of the run, ${what}:`,
      '',
      `| milestone | ${done.map((c) => c.cfg.label).join(' | ')} |`,
      `|---|${done.map(() => '---').join('|')}|`,
      ...MILESTONES.map((m, j) => `| ${m} | ${done.map((c) => cell(c, j, evalMode)).join(' | ')} |`),
    );
  }
  return out;
}

function isTable(e: ExperimentResults): string[] {
  if (e.meta.name !== 'is-modes') return [];
  return [
    '',
    'Importance-sampling statistics per update (means over updates, then over seeds; max over all):',
    '',
    '| configuration | IS weight mean | IS weight max | ESS/N | KL(μ‖π) |',
    '|---|---|---|---|---|',
    ...e.configs
      .filter((c) => c.runs.length > 0)
      .map(
        (c) =>
          `| ${c.cfg.label} | ${fmtCi(
            over(c, (r) => r.isWeightMean),
            3,
          )} | ${Math.max(...c.runs.map((r) => r.isWeightMax)).toFixed(2)} | ${fmtCi(
            over(c, (r) => r.essOverN),
            3,
          )} | ${fmtCi(
            over(c, (r) => r.klMuPi),
            3,
          )} |`,
      ),
  ];
}

/** π alone over the second half of the run (after advice stopped, for the stop configurations). */
function tailTable(e: ExperimentResults): string[] {
  if (!['advice-off', 'bad-advice'].includes(e.meta.name)) return [];
  const tail = secondHalfEval;
  const none = e.configs.find((c) => c.cfg.id === 'none' && c.runs.length > 0);
  return [
    '',
    'π alone (evaluations without advice) averaged over the second half of the run (after advice stopped, where it stops at 50 %):',
    '',
    '| configuration | π alone, second half | Δ vs no advice |',
    '|---|---|---|',
    ...e.configs
      .filter((c) => c.runs.length > 0)
      .map((c) => {
        const d = none && c !== none ? diffCi(c.runs.map(tail), none.runs.map(tail)) : undefined;
        return `| ${c.cfg.label} | ${fmtCi(over(c, tail))} | ${d ? `${fmtCi(d)} (${verdict(d)})` : ''} |`;
      }),
  ];
}

/** What these experiments do not show: design facts of the runner, not results. */
const LIMITS = [
  '## Limits of these experiments',
  '',
  '- Advisors are simulated except in llm-advisor and cartpole-llm (a real SmolLM2-135M on llama-server, the only LLM tested, far smaller than the paper\'s): the scripted CraftWorld planner (which knows the whole map) behind the accuracy/adversarial knobs, not a language model. Its advice is the next primitive action of its plan (move, face, interact, craft, place), turned into a bias over the actions as the advisor-worker does; a strategic intent ("make a stone pickaxe next") reaches the agent only as that action. Advice that is seconds old therefore carries moves planned for a position the agent has left.',
  "- Runs are on a virtual clock with the services' timing as measured against them (section \"Virtual clock against the real services\"): a trained policy acts 100 ms of run time after its chunk (the actors act on with the previous version meanwhile), an answer reaches the actor's table 8 ms after the advisor sent it. The real services' delivery varies with the machine's load; the model fixes it. Snapshots follow one schedule in every experiment: a new snapshot of an agent once the answer to its previous one arrived (one request per agent in flight, as an LLM advisor would be driven; llm-advisor and cartpole-llm add a least gap). On the services the actor snapshots every `ALA_SNAPSHOT_EVERY` steps whatever is in flight; with a snapshot every step a fresh (50-100 ms) advisor steers more steps than here (validation section: advised steps of the services vs the services model), with the default of every 4 steps fewer (an answer lives 200 ms from its snapshot: at most 2 steps of every 4).",
  "- CraftWorld: 8 agents at 10 steps/s each (CartPole: 50 steps/s, its 20 ms physics step); 40,960 env steps per run (about 8.5 minutes of game time), a 64-64 MLP: the early phase of learning, where advice is supposed to matter most; long-horizon runs 6x longer. The learner is the ppo-learner's WebAssembly kernel (each run records its engine in `result.learner`).",
  '- "Behaviour" is the mean return of the last 100 finished episodes: with episodes of up to 300 steps and 8 agents that window spans up to 30,000 env steps, so the behaviour curves are smooth and lag; π alone is measured on fresh envs at each evaluation.',
  '- A milestone counts as reached when at least half of the episodes in the window reached it; π alone is evaluated on 16 episodes every 4,096 steps.',
  '',
];

export async function writeReport(dir: string, docsDir: string, command: string): Promise<{ markdown: string; figures: number }> {
  const results = await loadResults(
    dir,
    EXPERIMENTS.map((e) => e.name),
  );
  const figDir = path.join(dir, 'figures');
  await fs.mkdir(figDir, { recursive: true });
  const md: string[] = ['# Results: does asynchronous, bounded, expiring advice help?', '', ...headline(results), ''];
  md.push(
    `Generated by \`${command}\` from the runs in \`${path.relative(docsDir, dir) || '.'}/\` (raw JSON per run and a summary.csv per experiment). ` +
      'Each run is one (configuration, seed) on the virtual clock: the acting code of the actor-runner (VectorActor, BiasTable with deadlines and ±B clipping), ' +
      "the simulated advice chain (scripted expert with latency and accuracy knobs, or in llm-advisor and cartpole-llm a real LLM called while the run clock stands still; window and vote as in the vote-aggregator, clipBias as in the bias-router) and the PPO learner (the ppo-learner's WebAssembly kernel), with the services' update and delivery delays (a policy acts 100 ms after its chunk, an answer reaches the table 8 ms after it is sent). " +
      '"π alone" is the learned policy evaluated without advice on fresh envs; "behaviour" is what the agents did while training, advice included. Intervals are 95 % Student-t over seeds; Δ uses Welch\'s interval.',
    '',
  );
  let nFig = 0;
  const known = new Set(results.map((r) => r.meta.name));
  for (const e of results) {
    const m = e.meta;
    const runs = e.configs.reduce((s, c) => s + c.runs.length, 0);
    const revs = [...new Set(e.configs.flatMap((c) => c.runs.map((r) => r.gitRevision)))];
    md.push(`## ${m.name}`, '', `**Claim.** ${m.claim}`, '', `**Design.** ${m.design}`, '');
    md.push(
      `Command${(m.commands?.length ?? 1) > 1 ? 's' : ''}: ${(m.commands ?? [m.command]).map((c) => `\`${c}\``).join(', then ')}; clock: ${m.clock}${m.quick ? ' (QUICK MODE: sizes for tests, not results)' : ''}; ${runs} runs; git revision(s): ${revs.map((r) => `\`${r.slice(0, 12)}\``).join(', ') || '–'}.`,
      '',
    );
    await fs.writeFile(path.join(dir, m.name, 'summary.csv'), csv(e));
    md.push(...mainTable(e), ...milestoneTable(e), ...isTable(e), ...tailTable(e), ...llmTable(e), '');
    for (const f of await figures(e, figDir, docsDir)) {
      md.push(`![${m.name}](${f})`, '');
      nFig += 1;
    }
  }
  md.push(...(await validation(dir)), ...LIMITS);
  const missing = EXPERIMENTS.filter((e) => !known.has(e.name));
  if (missing.length > 0)
    md.push('## Not run yet', '', ...missing.map((e) => `- **${e.name}**: ${e.claim} (\`ala experiment ${e.name} --out ${dir} --seeds 5\`)`), '');
  const file = path.join(docsDir, 'results.md');
  await fs.mkdir(docsDir, { recursive: true });
  await fs.writeFile(file, `${md.join('\n')}\n`);
  return { markdown: file, figures: nFig };
}
