// Shared by the burst fault test and bench/faults/bias-burst.ts: the burst publisher run as its own
// process (burst-publisher.ts, so publishing stays off the actor's event loop), and a VectorEnv
// factory that stamps the time of every vector step (the step gaps both measure). Must not: decide
// what a test expects or a benchmark reports.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { VectorEnv } from '@ala/envs';

/** Runs burst-publisher.ts: `n` valid biases round-robin to `agents`; resolves when it exited 0. */
export function runBurstPublisher(url: string, prefix: string, n: number, agents: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'burst-publisher.ts'), url, prefix, String(n), ...agents], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`burst publisher exited ${code}: ${err}`)))));
}

/** The time (performance.now) of every step of the vector envs it makes; set `stamps = []` to start a window. */
export class StepStamps {
  stamps: number[] = [];
  readonly makeVectorEnv = (id: string, n: number): VectorEnv => {
    const env = VectorEnv.make(id, n);
    const step = env.step.bind(env);
    env.step = (actions) => {
      this.stamps.push(performance.now());
      return step(actions);
    };
    return env;
  };
}
