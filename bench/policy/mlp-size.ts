// What a bigger network costs the learner: wall time of one Learner.update per 1k samples for
// actor-critic MLPs of 64-64 (the CartPole-v1 preset, the baseline), 256-256 and 1024-1024, on the
// CartPole-v1 preset otherwise (20 epochs over the batch, 1 minibatch), p50/p99 over repeats and
// the ratio against 64-64 measured in the same run. Only the public Learner API (create, update,
// dispose) is called, so it measures whatever the learner implementation is.
// Run: npx tsx bench/policy/mlp-size.ts [--quick] [--repeats N]  (npm run bench:mlp-size)
// Writes bench/results/mlp-size.json (--quick: mlp-size-quick.json). Must not: run in the default test suite at full size.
import { Learner, makePpoConfig, presetFor, type MutableRollout, type PpoConfig } from '@ala/policy';
import { syntheticRollout } from '../synthetic-rollout';
import { dist, writeResult, type Dist } from '../common';
import { machineLoad, packageVersion, type MachineLoad } from '../machine';

export const ENV_ID = 'CartPole-v1';
const OBS_DIM = 4;
const N_ACTIONS = 2;

export interface MlpSizeOptions {
  /** Hidden widths to compare (two layers each); the first is the baseline. */
  readonly widths: readonly number[];
  /** Timed updates per width (after one warm-up update). */
  readonly repeats: number;
  /** Samples per update: T = 32 steps x agents (a multiple of 32). */
  readonly samples: number;
  /** Epochs per update; undefined = the preset's. */
  readonly epochs?: number;
  readonly seed: number;
}

export const FULL: MlpSizeOptions = { widths: [64, 256, 1024], repeats: 7, samples: 1024, seed: 1 };
/**
 * Seconds, for a smoke test: smaller batch, one epoch, three repeats, and no 1024-1024 (its
 * orthogonal weight init in Learner.create alone takes ~3 s on an idle 2-core box).
 */
export const QUICK: MlpSizeOptions = { widths: [64, 256], repeats: 3, samples: 128, epochs: 1, seed: 1 };

export interface WidthResult {
  hidden: number[];
  /** Trainable parameters of actor + critic. */
  parameters: number;
  /** Wall time of one update, scaled to 1k samples (ms), over the repeats. */
  updateMsPer1kSamples: Dist;
  /** CPU time of this process (user + system) in one update, per 1k samples (ms): less sensitive to a shared machine than wall time. */
  cpuMsPer1kSamples: Dist;
  /** The same per epoch: one forward/backward pass over 1k samples (ms, p50). */
  epochMsPer1kSamplesP50: number;
  /** p50 over the baseline's p50 (wall time, and CPU time). */
  ratioVsBaseline: number;
  cpuRatioVsBaseline: number;
}

export interface MlpSizeResult {
  env: string;
  backend: string;
  samplesPerUpdate: number;
  epochs: number;
  minibatches: number;
  repeats: number;
  seed: number;
  baseline: number[];
  widths: WidthResult[];
  versions: Record<string, string>;
  load: { before: MachineLoad; after: MachineLoad };
}

/** A CartPole-shaped batch acted by `version` (so the lag filter keeps every sample). */
function batch(samples: number, seed: number, version: number): MutableRollout {
  const T = 32;
  return syntheticRollout(T, samples / T, OBS_DIM, N_ACTIONS, seed, version);
}

function parameters(hidden: readonly number[]): number {
  const trunk = (out: number): number => {
    const widths = [OBS_DIM, ...hidden, out];
    let n = 0;
    for (let i = 1; i < widths.length; i++) n += widths[i - 1]! * widths[i]! + widths[i]!;
    return n;
  };
  return trunk(N_ACTIONS) + trunk(1);
}

/** The PPO config measured: the env's preset with the hidden widths (and epochs) replaced. */
export function configFor(width: number, opts: MlpSizeOptions): PpoConfig {
  return makePpoConfig({ hidden: [width, width], ...(opts.epochs !== undefined ? { updateEpochs: opts.epochs } : {}) }, presetFor(ENV_ID));
}

export async function runMlpSize(opts: MlpSizeOptions, log: (line: string) => void = () => undefined): Promise<MlpSizeResult> {
  if (!Number.isInteger(opts.samples) || opts.samples < 32 || opts.samples % 32 !== 0)
    throw new RangeError(`samples must be a positive multiple of 32, got ${opts.samples}`);
  if (!Number.isInteger(opts.repeats) || opts.repeats < 1) throw new RangeError(`repeats must be a positive integer, got ${opts.repeats}`);
  if (opts.widths.length === 0) throw new RangeError('widths must not be empty');
  const before = machineLoad();
  const widths: WidthResult[] = [];
  let backend = '';
  let config = configFor(opts.widths[0]!, opts);
  for (const width of opts.widths) {
    config = configFor(width, opts);
    const learner = await Learner.create({ obsDim: OBS_DIM, nActions: N_ACTIONS, config, seed: opts.seed });
    backend = learner.backend;
    try {
      const ms: number[] = [];
      const cpuMs: number[] = [];
      for (let i = 0; i <= opts.repeats; i++) {
        const b = batch(opts.samples, opts.seed * 1000 + i, learner.policyVersion);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const m = await Promise.resolve(learner.update(b)); // also right if update becomes async
        const wall = performance.now() - t0;
        const c = process.cpuUsage(c0);
        if (m.droppedFrac !== 0 || m.epochs !== config.updateEpochs)
          throw new Error(`benchmark batch was filtered or stopped early (dropped ${m.droppedFrac}, epochs ${m.epochs})`);
        if (i > 0) {
          // i = 0 is the warm-up
          ms.push((wall * 1000) / opts.samples);
          cpuMs.push((c.user + c.system) / opts.samples);
        }
      }
      const d = dist(ms);
      widths.push({
        hidden: [width, width],
        parameters: parameters([width, width]),
        updateMsPer1kSamples: d,
        cpuMsPer1kSamples: dist(cpuMs),
        epochMsPer1kSamplesP50: Math.round((d.p50 / config.updateEpochs) * 1e4) / 1e4,
        ratioVsBaseline: 0,
        cpuRatioVsBaseline: 0,
      });
      log(`hidden ${width}-${width}: update p50 ${d.p50.toFixed(1)} ms / p99 ${d.p99.toFixed(1)} ms per 1k samples`);
    } finally {
      await Promise.resolve(learner.dispose());
    }
  }
  const base = widths[0]!.updateMsPer1kSamples.p50;
  const cpuBase = widths[0]!.cpuMsPer1kSamples.p50;
  for (const w of widths) {
    w.ratioVsBaseline = Math.round((w.updateMsPer1kSamples.p50 / base) * 100) / 100;
    w.cpuRatioVsBaseline = Math.round((w.cpuMsPer1kSamples.p50 / cpuBase) * 100) / 100;
  }
  return {
    env: ENV_ID,
    backend,
    samplesPerUpdate: opts.samples,
    epochs: config.updateEpochs,
    minibatches: config.numMinibatches,
    repeats: opts.repeats,
    seed: opts.seed,
    baseline: [opts.widths[0]!, opts.widths[0]!],
    widths,
    versions: {
      node: process.version,
      '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
    },
    load: { before, after: machineLoad() },
  };
}

/** A printable table of a result. */
export function mlpSizeTable(r: MlpSizeResult): string {
  const rows = r.widths.map(
    (w) =>
      `${`${w.hidden.join('-')}`.padEnd(10)} ${String(w.parameters).padStart(9)} ${w.updateMsPer1kSamples.p50.toFixed(1).padStart(10)} ${w.updateMsPer1kSamples.p99.toFixed(1).padStart(10)} ${w.epochMsPer1kSamplesP50.toFixed(2).padStart(12)} ${w.ratioVsBaseline.toFixed(2).padStart(7)} ${w.cpuMsPer1kSamples.p50.toFixed(1).padStart(11)} ${w.cpuRatioVsBaseline.toFixed(2).padStart(9)}`,
  );
  return [
    `Learner.update per 1k samples, ${r.env} preset, ${r.epochs} epochs x ${r.minibatches} minibatch, ${r.samplesPerUpdate} samples/update, backend ${r.backend}`,
    `${'hidden'.padEnd(10)} ${'params'.padStart(9)} ${'p50 ms'.padStart(10)} ${'p99 ms'.padStart(10)} ${'ms/epoch-1k'.padStart(12)} ${'ratio'.padStart(7)} ${'cpu p50 ms'.padStart(11)} ${'cpu ratio'.padStart(9)}`,
    ...rows,
    `load before: ${r.load.before.uptime}`,
    `load after:  ${r.load.after.uptime}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--repeats');
  const opts = { ...(quick ? QUICK : FULL), ...(at > 0 ? { repeats: Number(process.argv[at + 1]) } : {}) };
  const result = await runMlpSize(opts, (l) => console.log(l));
  console.log(mlpSizeTable(result));
  console.log(`wrote ${writeResult(quick ? 'mlp-size-quick' : 'mlp-size', { ...result })}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
