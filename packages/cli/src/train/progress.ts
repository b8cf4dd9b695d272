// Progress display for `ala train`: a cli-progress bar on a TTY, plain lines (at most one per
// `intervalMs`) otherwise. Shows steps/s, the mean episodic return and the policy version.
// Must not: compute training quantities.
import { SingleBar, Presets } from 'cli-progress';

export interface ProgressInfo {
  readonly envSteps: number;
  readonly stepsPerSec: number;
  readonly mean100: number;
  readonly policyVersion: number;
}

export interface ProgressReporter {
  update(info: ProgressInfo): void;
  stop(): void;
}

const fmtRet = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');

export function createProgress(total: number, start: number, opts: { tty: boolean; out: NodeJS.WritableStream; intervalMs?: number }): ProgressReporter {
  if (opts.tty) {
    const bar = new SingleBar(
      {
        format: 'train |{bar}| {percentage}% | {value}/{total} steps | {sps} steps/s | return {ret} | policy v{version}',
        hideCursor: true,
        stream: opts.out,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    bar.start(total, start, { sps: '0', ret: '-', version: 0 });
    return {
      update: (i) => bar.update(Math.min(i.envSteps, total), { sps: i.stepsPerSec.toFixed(0), ret: fmtRet(i.mean100), version: i.policyVersion }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  const interval = opts.intervalMs ?? 5000;
  const line = (i: ProgressInfo): void => {
    opts.out.write(`steps ${i.envSteps}/${total} | ${i.stepsPerSec.toFixed(0)} steps/s | return ${fmtRet(i.mean100)} | policy v${i.policyVersion}\n`);
  };
  let latest: ProgressInfo | undefined;
  return {
    update: (i) => {
      latest = i;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        line(i);
      }
    },
    stop: () => {
      if (latest) line(latest);
    },
  };
}
