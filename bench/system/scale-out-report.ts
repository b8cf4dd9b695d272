// The scale-out benchmark's result per actor count, from its window of polls (scale-out-stats.ts),
// and the printed table. Must not: poll or start anything.
import type { MachineLoad } from '../machine';
import { cpuCores, lastValue, windowRate, type Poll, type WindowRate } from './scale-out-stats';

export interface CountInput {
  actors: number;
  agentsPerActor: number;
  chunkSteps: number;
  polls: readonly Poll[];
  /** Chunks on ALA_TRAJ not yet delivered or not yet acknowledged to the learner's consumer. */
  pendingStart: number;
  pendingEnd: number;
  load: { before: MachineLoad; after: MachineLoad };
}

export interface CountResult {
  actors: number;
  agents: number;
  windowSeconds: number;
  polls: number;
  /** Polls that missed an instance (e.g. the learner answered after the poll's wait). */
  incompletePolls: number;
  /** Env-steps/s the actors took (agent-steps). */
  producedStepsPerSec: WindowRate;
  /** Samples/s the learner received (chunks x chunkSteps x agents). */
  consumedSamplesPerSec: WindowRate;
  /** Samples/s that went into updates (`samplesTrained`). */
  trainedSamplesPerSec: WindowRate;
  /** Fraction of wall time the learner spent in updates (rate of `updateSeconds`). */
  learnerUtilisation: WindowRate;
  updatesPerSec: WindowRate;
  samplesPerUpdate: number;
  /** Samples/s the learner dropped: batch cap (oldest first) and whole chunks older than maxPolicyLag. */
  droppedSamplesPerSec: { overflow: number; stale: number };
  backlog: { streamPendingChunksStart: number; streamPendingChunksEnd: number; growthChunksPerSec: number; producedMinusConsumedPerSec: number };
  policy: { learnerVersionEnd: number | undefined; lastLagMean: number | undefined };
  /** CPU cores used over the window (CPU seconds / wall seconds; the machine has `load.before.cpus`). */
  cpuCores: { learner: number; actors: number; nats: number; bench: number; machine: number; others: number };
  load: { before: MachineLoad; after: MachineLoad };
  /** Against the first count of the run (the baseline, 1 actor); set when the run is complete. */
  ratioVsBaseline?: { producedStepsPerSec: number; trainedSamplesPerSec: number };
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

export function summarise(c: CountInput): CountResult {
  const { polls } = c;
  const first = polls[0]!;
  const last = polls[polls.length - 1]!;
  const wall = (last.t - first.t) / 1000;
  const incomplete = polls.filter((p) => [...p.instances.values()].length < c.actors + 1).length;
  const trained = windowRate(polls, 'ppo-learner', 'samplesTrained');
  const updates = windowRate(polls, 'ppo-learner', 'updates');
  const produced = windowRate(polls, 'actor-runner', 'envSteps');
  const consumed = windowRate(polls, 'ppo-learner', 'chunksIn', c.chunkSteps * c.agentsPerActor);
  const cores = {
    learner: cpuCores(polls, 'learner'),
    actors: cpuCores(polls, 'actors'),
    nats: cpuCores(polls, 'nats'),
    bench: cpuCores(polls, 'bench'),
    machine: cpuCores(polls, 'machine'),
  };
  return {
    actors: c.actors,
    agents: c.actors * c.agentsPerActor,
    windowSeconds: r2(wall),
    polls: polls.length,
    incompletePolls: incomplete,
    producedStepsPerSec: produced,
    consumedSamplesPerSec: consumed,
    trainedSamplesPerSec: trained,
    learnerUtilisation: windowRate(polls, 'ppo-learner', 'updateSeconds'),
    updatesPerSec: updates,
    samplesPerUpdate: updates.total > 0 ? Math.round(trained.total / updates.total) : 0,
    droppedSamplesPerSec: {
      overflow: windowRate(polls, 'ppo-learner', 'samplesOverflow').total,
      stale: windowRate(polls, 'ppo-learner', 'samplesStale').total,
    },
    backlog: {
      streamPendingChunksStart: c.pendingStart,
      streamPendingChunksEnd: c.pendingEnd,
      growthChunksPerSec: r2((c.pendingEnd - c.pendingStart) / wall),
      producedMinusConsumedPerSec: Math.round(produced.total - consumed.total),
    },
    policy: { learnerVersionEnd: lastValue(polls, 'ppo-learner', 'policyVersion'), lastLagMean: lastValue(polls, 'ppo-learner', 'lastLagMean') },
    cpuCores: { ...cores, others: r2(cores.machine - cores.learner - cores.actors - cores.nats - cores.bench) },
    load: c.load,
  };
}

/** One line per actor count. */
export function table(runs: readonly CountResult[]): string {
  const cols: [string, number, (r: CountResult) => string][] = [
    ['actors', 6, (r) => String(r.actors)],
    ['agents', 6, (r) => String(r.agents)],
    ['produced/s', 11, (r) => r.producedStepsPerSec.total.toFixed(0)],
    ['consumed/s', 11, (r) => r.consumedSamplesPerSec.total.toFixed(0)],
    ['trained/s', 10, (r) => r.trainedSamplesPerSec.total.toFixed(0)],
    ['p50/p99 trained', 16, (r) => `${r.trainedSamplesPerSec.perInterval.p50.toFixed(0)}/${r.trainedSamplesPerSec.perInterval.p99.toFixed(0)}`],
    ['learner util', 12, (r) => r.learnerUtilisation.total.toFixed(2)],
    ['updates/s', 9, (r) => r.updatesPerSec.total.toFixed(2)],
    ['samples/upd', 11, (r) => String(r.samplesPerUpdate)],
    ['backlog +ch/s', 13, (r) => r.backlog.growthChunksPerSec.toFixed(1)],
    ['cpu L/A/N/other', 19, (r) => `${r.cpuCores.learner}/${r.cpuCores.actors}/${r.cpuCores.nats}/${r.cpuCores.others}`],
    ['load 1m', 7, (r) => r.load.after.loadavg[0]!.toFixed(2)],
  ];
  const head = cols.map(([h, w]) => h.padStart(w)).join(' ');
  return [head, ...runs.map((r) => cols.map(([, w, f]) => f(r).padStart(w)).join(' '))].join('\n');
}
