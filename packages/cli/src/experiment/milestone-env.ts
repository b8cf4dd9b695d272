// An ActingEnv around a VectorEnv that remembers which CraftWorld milestones each finished episode
// reached (from the env's step infos), so a run can report milestone rates over recent episodes.
// Must not: change what the env returns.
import { MILESTONES, type VectorEnv, type VectorStepResult } from '@ala/envs';
import type { ActingEnv } from '@ala/policy';

/** A finished episode: return, length and a bit per milestone (MILESTONES order). */
export interface EpisodeSummary {
  readonly ret: number;
  readonly length: number;
  readonly milestones: number;
}

const BIT = new Map<string, number>(MILESTONES.map((m, i) => [m, 1 << i]));

export class MilestoneEnv implements ActingEnv {
  private readonly current: Int32Array;
  /** Episodes finished since the last drain(). */
  private finished: EpisodeSummary[] = [];

  constructor(readonly venv: VectorEnv) {
    this.current = new Int32Array(venv.numEnvs);
  }

  get numEnvs(): number {
    return this.venv.numEnvs;
  }
  get obsDim(): number {
    return this.venv.obsDim;
  }
  get numActions(): number {
    return this.venv.numActions;
  }
  legalActionMasks(): Uint8Array {
    return this.venv.legalActionMasks();
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    const r = this.venv.step(actions);
    for (let i = 0; i < r.infos.length; i++) {
      const info = r.infos[i]!;
      const ep = info.episode;
      const m = (ep !== undefined ? info.finalInfo?.milestone : info.milestone) as string | undefined;
      if (m !== undefined) this.current[i]! |= BIT.get(m) ?? 0;
      if (ep !== undefined) {
        this.finished.push({ ret: ep.return, length: ep.length, milestones: this.current[i]! });
        this.current[i] = 0;
      }
    }
    return r;
  }

  /** Episodes finished since the previous call. */
  drain(): EpisodeSummary[] {
    const out = this.finished;
    this.finished = [];
    return out;
  }
}

/** Fraction of `episodes` that reached each milestone (MILESTONES order). */
export function milestoneRates(episodes: readonly EpisodeSummary[]): number[] {
  return MILESTONES.map((_, j) => (episodes.length === 0 ? 0 : episodes.filter((e) => (e.milestones & (1 << j)) !== 0).length / episodes.length));
}
