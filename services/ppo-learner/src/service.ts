// The ppo-learner service: pulls trajectory chunks from a durable consumer, batches them
// (batcher.ts), runs one PPO update per batch with @ala/policy's Learner, stores each version's
// ONNX in the Object Store, sets KV `latest` and announces it. Publishes the initial policy at
// start (version 1, or one above the newest stored/checkpointed version on a restart, so versions
// only increase) and checkpoints periodically and on stop.
// Must not: act in environments or hold PPO maths (both in @ala/policy / @ala/rl-core).
import { createHash } from 'node:crypto';
import { makeEnv } from '@ala/envs';
import { Learner, makePpoConfig, presetFor, type PpoConfig } from '@ala/policy';
import { PolicyAnnounce, subjects } from '@ala/protocol';
import { rateLimitedLogger, silentLogger, type Bus, type BusLogger } from '@ala/bus';
import { Batcher } from './batcher';
import { loadLearnerCheckpoint, saveLearnerCheckpoint } from './checkpoint';
import { hiddenWidths, type PpoLearnerConfig } from './config';
import type { PolicySink, TrajectorySource } from './ports';
import { emptyLearnerStats, lastUpdateStats, type LearnerStats } from './stats';

export interface PpoLearnerDeps {
  readonly config: PpoLearnerConfig;
  readonly bus: Bus;
  readonly trajectories: TrajectorySource;
  readonly policies: PolicySink;
  readonly logger?: BusLogger;
  /** Called after every update with its metrics (e.g. `ala up` writes them as JSONL). */
  readonly onUpdate?: (m: Record<string, number>) => void;
}

export interface PpoLearner {
  /** The PPO configuration in use (preset + overrides). */
  readonly ppo: PpoConfig;
  stats(): LearnerStats;
  /** Stops pulling, finishes the update in progress, writes a final checkpoint. */
  stop(): Promise<void>;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function start(deps: PpoLearnerDeps): Promise<PpoLearner> {
  const cfg = deps.config;
  const log = rateLimitedLogger(deps.logger ?? silentLogger); // repeated failures: one line per kind per 10 s, all counted in stats
  const s = subjects(cfg.prefix);
  const probe = makeEnv(cfg.envId, {});
  const obsDim = probe.observationSpace.shape.reduce((a, b) => a * b, 1);
  const nActions = probe.actionSpace.n;
  probe.close();
  const preset = presetFor(cfg.envId);
  const ppo = makePpoConfig(
    {
      ...(cfg.maxPolicyLag >= 0 ? { maxPolicyLag: cfg.maxPolicyLag } : {}),
      ...(cfg.totalTimesteps > 0 ? { totalTimesteps: cfg.totalTimesteps } : {}),
      ...(cfg.hidden !== '' ? { hidden: hiddenWidths(cfg.hidden) } : {}),
    },
    preset,
  );
  const minBatch = cfg.minBatch > 0 ? cfg.minBatch : ppo.numEnvs * ppo.numSteps;
  const maxBatch = cfg.maxBatch > 0 ? cfg.maxBatch : 8 * minBatch;
  const st = emptyLearnerStats();
  const ckpt = cfg.checkpointDir ? await loadLearnerCheckpoint(cfg.checkpointDir, cfg.envId) : undefined; // refused before anything starts
  const learner = await Learner.create({ obsDim, nActions, config: ppo, seed: cfg.seed });
  let updates = 0;

  // Resume from the checkpoint, then move the version above anything already stored
  if (ckpt) {
    try {
      learner.setState(ckpt.learner, 'learner checkpoint');
    } catch (err) {
      learner.dispose();
      throw err;
    }
    updates = ckpt.updates;
    st.resumed = 1;
  }
  const stored = (await deps.policies.latestVersion()) ?? 0;
  learner.setState({ ...learner.getState(), policyVersion: Math.max(stored, learner.policyVersion) + 1 });

  const publishPolicy = async (): Promise<void> => {
    const version = learner.policyVersion;
    const bytes = learner.exportOnnx();
    const objectName = `v${version}.onnx`;
    await deps.policies.put(version, objectName, bytes);
    // out: new policy version (learner -> actors); weights already in the Object Store, version in KV
    deps.bus.publish(PolicyAnnounce, s.policyAnnounce, {
      v: 1 as const,
      version,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.byteLength,
      createdAt: Date.now(),
      objectName,
      obsDim,
      nActions,
    });
    st.policyVersion = version;
    st.announced += 1;
  };
  await publishPolicy();

  const checkpoint = async (): Promise<void> => {
    if (!cfg.checkpointDir) return;
    try {
      await saveLearnerCheckpoint(cfg.checkpointDir, {
        kind: 'ppo-learner',
        envId: cfg.envId,
        seed: cfg.seed,
        config: ppo,
        learner: learner.getState(),
        updates,
        savedAt: Date.now(),
      });
      st.checkpoints += 1;
    } catch (err) {
      st.checkpointErrors += 1;
      log.error('ppo-learner: checkpoint failed', { error: err });
    }
  };

  const batcher = new Batcher(obsDim, nActions, minBatch, maxBatch);
  let stopped = false;
  let lastCheckpoint = performance.now();
  const loop = async (): Promise<void> => {
    while (!stopped) {
      // in: trajectory chunks (actors -> learner), durable pull consumer on ALA_TRAJ
      let chunks: Awaited<ReturnType<TrajectorySource['pull']>>;
      try {
        chunks = await deps.trajectories.pull(64, 100);
      } catch (err) {
        st.pullErrors += 1; // e.g. server gone: counted, retried; the loop never dies on I/O
        log.warn('ppo-learner: pulling chunks failed', { error: err });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const c of chunks) batcher.add(c, learner.policyVersion, ppo.maxPolicyLag);
      if (batcher.ready() && !stopped) {
        const batch = batcher.take()!;
        const t0 = performance.now();
        try {
          const m = learner.update(batch);
          st.updateSeconds += (performance.now() - t0) / 1000;
          updates += 1;
          st.updates += 1;
          st.samplesTrained += m.samples;
          Object.assign(st, lastUpdateStats(m));
          deps.onUpdate?.({ ...m });
          await publishPolicy();
        } catch (err) {
          st.updateErrors += 1;
          log.error('ppo-learner: update failed, batch dropped', { error: err });
        }
        batcher.prune(learner.policyVersion, ppo.maxPolicyLag);
      }
      if (performance.now() - lastCheckpoint >= cfg.checkpointEverySec * 1000) {
        lastCheckpoint = performance.now();
        await checkpoint();
      }
      await tick();
    }
  };
  const loopDone = loop().catch((err: unknown) => {
    st.updateErrors += 1;
    log.error('ppo-learner: loop stopped', { error: err });
  });

  return {
    ppo,
    stats: () => {
      const b = batcher.counts;
      Object.assign(st, {
        chunksIn: b.chunksIn + deps.trajectories.invalid(),
        chunksInvalid: b.chunksInvalid + deps.trajectories.invalid(),
        chunksStale: b.chunksStale,
        chunksDuplicate: deps.trajectories.duplicates?.() ?? 0,
        chunksRedelivered: deps.trajectories.redelivered?.() ?? 0,
        policyPruneErrors: deps.policies.pruneErrors?.() ?? 0,
        samplesStale: b.samplesStale,
        samplesOverflow: b.samplesOverflow,
        samplesPending: batcher.samples,
      });
      return { ...st };
    },
    stop: async () => {
      stopped = true;
      await loopDone;
      await deps.trajectories.close();
      await checkpoint();
      learner.dispose();
    },
  };
}
