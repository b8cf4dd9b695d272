// `ala experiment <name|all> --out DIR [--seeds N] [--quick] [--jobs N] [--clock virtual|real]`:
// runs a named experiment (packages/cli/src/experiment/registry.ts) over seeds, resumable, with a
// progress bar; `--jobs N` splits the (config, seed) pairs over N child processes (one per core).
// `ala experiment report DIR [--docs DIR]` writes the figures, tables and docs/results.md from
// what DIR holds; `ala experiment list` names the experiments.
// Must not: implement runs (experiment/run-loop.ts) or the report (experiment/report.ts).
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { MultiBar, Presets } from 'cli-progress';
import { CliUsageError } from '../errors';
import { EXPERIMENTS, experimentNamed, needsLlm, type Experiment } from '../experiment/registry';
import { runExperiment } from '../experiment/runner';
import { writeReport } from '../experiment/report';

interface ExperimentArgs {
  readonly seeds?: string;
  readonly quick?: boolean;
  readonly out?: string;
  readonly jobs?: string;
  readonly shard?: string;
  readonly clock?: string;
  readonly only?: string;
  readonly docs?: string;
  readonly progress?: string;
  readonly llmEndpoint?: string;
}

const BIN = require.resolve('../../bin/ala.js');

function parseArgs(o: ExperimentArgs): { seeds: number[]; jobs: number; shard?: [number, number]; clock: 'virtual' | 'real' } {
  const n = Number(o.seeds ?? 5);
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 100)) throw new CliUsageError(`--seeds must be an integer in [1, 100], got ${o.seeds}`, 'seeds');
  const jobs = Number(o.jobs ?? 1);
  if (!(Number.isSafeInteger(jobs) && jobs >= 1 && jobs <= 16)) throw new CliUsageError(`--jobs must be an integer in [1, 16], got ${o.jobs}`, 'jobs');
  const clock = o.clock ?? 'virtual';
  if (clock !== 'virtual' && clock !== 'real') throw new CliUsageError(`--clock must be virtual or real, got ${clock}`, 'clock');
  let shard: [number, number] | undefined;
  if (o.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(o.shard);
    if (!m || !(Number(m[1]) < Number(m[2]))) throw new CliUsageError(`--shard must be k/n with 0 <= k < n, got ${o.shard}`, 'shard');
    shard = [Number(m[1]), Number(m[2])];
  }
  return { seeds: Array.from({ length: n }, (_, i) => i + 1), jobs, clock, ...(shard ? { shard } : {}) };
}

/** Runs the experiments in this process, with one bar per experiment (TTY) or one line per run. */
async function runHere(exps: readonly Experiment[], o: ExperimentArgs, a: ReturnType<typeof parseArgs>, out: NodeJS.WriteStream): Promise<void> {
  const tty = o.progress !== 'plain' && out.isTTY === true && a.shard === undefined;
  const bars = tty ? new MultiBar({ format: '{name} |{bar}| {value}/{total} runs | {run}', hideCursor: true, stream: out }, Presets.shades_classic) : undefined;
  const command = process.env.ALA_EXPERIMENT_COMMAND ?? `ala ${process.argv.slice(2).join(' ')}`; // a --jobs child records its parent's command
  try {
    for (const exp of exps) {
      const bar = bars?.create(1, 0, { name: exp.name.padEnd(15), run: '' });
      const r = await runExperiment(exp, {
        seeds: a.seeds,
        quick: o.quick === true,
        out: o.out!,
        clock: a.clock,
        command,
        ...(a.shard ? { shard: a.shard } : {}),
        ...(o.only ? { only: o.only.split(',') } : {}),
        ...(o.llmEndpoint ? { llmEndpoint: o.llmEndpoint } : {}),
        onRun: (e) => {
          if (bar) {
            bar.setTotal(e.total);
            bar.update(e.done, { run: `${e.config} seed ${e.seed}${e.skipped ? ' (done before)' : ` ${e.wallSeconds?.toFixed(1)} s`}` });
          } else out.write(`${exp.name} ${e.done}/${e.total} ${e.config} seed ${e.seed} ${e.skipped ? 'done before' : `${e.wallSeconds?.toFixed(1)} s`}\n`);
        },
        onSteps: (c, seed, s, total) => bar?.update({ run: `${c} seed ${seed} ${Math.round((100 * s) / total)} %` }),
      });
      if (!bar) out.write(`${exp.name}: ${r.ran} run, ${r.skipped} already there, in ${r.dir}\n`);
    }
  } finally {
    bars?.stop();
  }
}

/** Splits the work over `jobs` child processes (`--shard k/jobs`), each printing plain lines. */
async function runJobs(o: ExperimentArgs, name: string, jobs: number, out: NodeJS.WriteStream): Promise<void> {
  const rest = process.argv.slice(process.argv.indexOf('experiment') + 1).filter((x, i, arr) => x !== '--jobs' && arr[i - 1] !== '--jobs');
  const codes = await Promise.all(
    Array.from({ length: jobs }, (_, k) => {
      const child = spawn(process.execPath, [...process.execArgv, BIN, 'experiment', ...rest.filter((x) => x !== name), name, '--shard', `${k}/${jobs}`], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, ALA_EXPERIMENT_COMMAND: `ala ${process.argv.slice(2).join(' ')}` },
      });
      child.stdout.on('data', (d: Buffer) => out.write(d.toString().replace(/^(?=.)/gm, `[${k}] `)));
      return new Promise<number | null>((r) => child.on('close', r));
    }),
  );
  const bad = codes.findIndex((c) => c !== 0);
  if (bad >= 0) throw new Error(`ala experiment: shard ${bad}/${jobs} exited with ${codes[bad]}`);
  if (o.out) out.write(`all ${jobs} shards done: ${o.out}\n`);
}

export function register(program: Command): void {
  program
    .command('experiment')
    .description('run a named experiment over seeds (resumable), or `report DIR` to write figures and docs/results.md, or `list`')
    .argument('<name>', `experiment (${EXPERIMENTS.map((e) => e.name).join(', ')}, all), report or list`)
    .argument('[dir]', 'with report: the results directory (default docs/results)')
    .option('--out <dir>', 'results directory (one subdirectory per experiment)')
    .option('--seeds <n>', 'seeds 1..n (default 5)')
    .option('--quick', 'a few hundred steps per run (tests)')
    .option('--jobs <n>', 'child processes sharing the runs (default 1; this machine has 2 cores)')
    .option('--shard <k/n>', 'run only every n-th (config, seed) from the k-th (what --jobs passes its children)')
    .option('--clock <kind>', 'virtual (default: a step takes 1/stepHz s of run time, no sleeping) or real (paced by the wall clock)')
    .option('--only <ids>', 'comma-separated config ids to run')
    .option('--docs <dir>', 'with report: where results.md and the figures go (default docs)')
    .option('--progress <mode>', 'auto | plain')
    .option(
      '--llm-endpoint <url>',
      'OpenAI-compatible server for llm advisors (default: start the local llama-server, npm run llm:install, on the first uncached answer)',
    )
    .addHelpText(
      'after',
      `
Experiments (issue #15), on CraftWorld-v0 (cartpole-*: CartPole-v1) with simulated advisors (the scripted expert
with a latency distribution and accuracy/adversarial knobs; llm-advisor and cartpole-llm: also a real LLM): ${EXPERIMENTS.map((e) => e.name).join(', ')}.
Results: DIR/<experiment>/experiment.json and DIR/<experiment>/<config>/seed-<n>.json; a finished pair is not rerun.
\`all\` runs every experiment but those with a real LLM advisor (${EXPERIMENTS.filter(needsLlm)
        .map((e) => e.name)
        .join(', ')}): run those by name (npm run llm:install first, or --llm-endpoint).
An llm advisor's answers are cached in <config>/seed-<n>.llm-cache.json: with it, a rerun needs no LLM server.
Example: ala experiment all --out docs/results --seeds 10 --jobs 2 && ala experiment report docs/results`,
    )
    .action(async (name: string, dir: string | undefined, o: ExperimentArgs) => {
      const out = process.stdout;
      if (name === 'list') {
        for (const e of EXPERIMENTS) out.write(`${e.name.padEnd(16)} ${e.claim}\n`);
        return;
      }
      if (name === 'report') {
        const r = await writeReport(dir ?? 'docs/results', o.docs ?? 'docs', `ala ${process.argv.slice(2).join(' ')}`);
        out.write(`wrote ${r.markdown} and ${r.figures} figures\n`);
        return;
      }
      const exps = name === 'all' ? EXPERIMENTS.filter((e) => !needsLlm(e)) : [experimentNamed(name)];
      // Ctrl-C / SIGTERM exit through 'exit', where @ala/testkit stops a llama-server an llm advisor started
      for (const [sig, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const)
        process.once(sig, () => process.exit(code));
      if (!o.out) throw new CliUsageError('--out DIR is required', 'out');
      const a = parseArgs(o);
      if (a.jobs > 1 && a.shard === undefined) await runJobs(o, name, a.jobs, out);
      else await runHere(exps, o, a, out);
    });
}
