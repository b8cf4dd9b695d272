// The actor-runner service: every subscription and publication of an actor process, wired in one
// start(deps). The step loop never waits for advice: biases land in a table by subscription and
// are applied only before their deadline; a new policy is loaded off the hot path and swapped in
// between steps; chunks go to JetStream with bounded in-flight acknowledgements. Live biases are
// received either here (intake 'main') or by a worker thread with its own connection (intake
// 'thread', bias-intake-thread.ts) whose latest bias per agent the table pulls before each step.
// A server-backed env (its spec has createAsync) is stepped through an AsyncVectorEnv whose failing
// envs end their episode (truncated) instead of stopping the loop (counted in envStepFailures).
// Must not: hold RL maths (acting.ts, @ala/rl-core) or read configuration (config.ts).
import { randomBytes } from 'node:crypto';
import { AsyncVectorEnv, isAsyncEnv, makeAsyncEnvs, VectorEnv } from '@ala/envs';
import { chunkWireBytes, maxChunkSteps, type OrtPolicy } from '@ala/policy';
import { Bias, PolicyAnnounce, StateSnapshot, subjects } from '@ala/protocol';
import { NatsBus, rateLimitedLogger, systemClock, silentLogger, type Bus, type BusLogger, type BusMetrics, type BusSubscription, type Clock } from '@ala/bus';
import { rngSplit } from '@ala/rl-core';
import { Acting, type ActorVectorEnv } from './acting';
import { BiasIntakeThread } from './bias-intake-thread';
import { BiasTable, limitsWarning, type BiasEntry } from './bias-table';
import { zeroTotals } from './bias-slots';
import type { ActorRunnerConfig } from './config';
import { BiasIntakeError, ChunkSizeError } from './errors';
import { fetchPolicy, loadShared, PreparedPolicy, sharedLoadKey } from './policy-loader';
import type { PolicySource, StoredBiasSource, TrajectorySink } from './ports';
import { emptyActorStats, type ActorStats } from './stats';

export interface ActorRunnerDeps {
  readonly config: ActorRunnerConfig;
  readonly bus: Bus;
  readonly policies: PolicySource;
  readonly trajectories: TrajectorySink;
  /** Last stored bias per agent, read once at start (omit to skip). */
  readonly storedBias?: StoredBiasSource;
  readonly clock?: Clock;
  readonly logger?: BusLogger;
  /** Called right after a new policy version starts acting (between steps), e.g. to time refreshes. */
  readonly onPolicySwap?: (version: number) => void;
  /** Called when a live bias enters the table (in the bus handler), e.g. to time advice transport. */
  readonly onBiasAccepted?: (agentId: string, adviceId: string, atMs: number) => void;
  /** Called once per accepted bias, right after the first step that acted with it. */
  readonly onBiasApplied?: (agentId: string, adviceId: string, atMs: number) => void;
  /** Env factory (default makeActorEnv: VectorEnv.make, or an AsyncVectorEnv for a server-backed env). */
  readonly makeVectorEnv?: (envId: string, agents: number) => ActorVectorEnv | Promise<ActorVectorEnv>;
  /** Where the thread intake's bus counters for 'Bias' go (default: the NatsBus's own metrics). */
  readonly busMetrics?: BusMetrics;
}

export interface ActorRunner {
  /** Agent ids owned by this actor (`<actorId>-<i>`). */
  readonly agentIds: readonly string[];
  /** Resolves once the first policy is acting. */
  readonly ready: Promise<void>;
  /** Where live biases are received: 'thread' (intake worker) or 'main' (the step loop's thread). */
  readonly biasIntake: 'thread' | 'main';
  /** Why live biases are not being received now (the intake worker crashed and restarts), else undefined. */
  intakeProblem(): string | undefined;
  stats(): ActorStats;
  /** Stops the loop after the current step, unsubscribes, waits for in-flight chunks, frees the policy. */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function start(deps: ActorRunnerDeps): Promise<ActorRunner> {
  const cfg = deps.config;
  const clock = deps.clock ?? systemClock;
  const log = rateLimitedLogger(deps.logger ?? silentLogger, { clock }); // repeated failures: one line per kind per 10 s, all counted in stats
  const s = subjects(cfg.prefix);
  const venv = await (deps.makeVectorEnv ?? ((id, n) => makeActorEnv(id, n, { actorId: cfg.actorId, logger: log })))(cfg.envId, cfg.agents);
  /** A start that fails after the env exists: close it, then rethrow the start's error (a failed close is logged, not reported instead). */
  const abortStart = async (err: unknown): Promise<never> => {
    await closeEnv(venv).catch((closeErr: unknown) =>
      log.warn('actor: closing the env after a failed start failed too', { actor: cfg.actorId, error: closeErr }),
    );
    throw err;
  };
  // async envs are reset here (awaited); a VectorEnv is reset by Acting with the seed
  const firstObs = venv instanceof AsyncVectorEnv ? await venv.reset({ seed: cfg.seed }).then((r) => r.obs, abortStart) : undefined;
  const { obsDim, numActions: nActions } = venv;
  // a chunk over the server's max_payload could never be stored: refuse to start, saying what fits
  const maxPayload = deps.bus instanceof NatsBus ? deps.bus.nc.info?.max_payload : undefined;
  const chunkBytes = chunkWireBytes(cfg.chunkSteps, cfg.agents, obsDim, nActions);
  if (maxPayload !== undefined && chunkBytes > maxPayload) {
    const fit = maxChunkSteps(maxPayload, cfg.agents, obsDim, nActions, cfg.chunkSteps);
    return abortStart(
      new ChunkSizeError(
        chunkBytes,
        maxPayload,
        `a trajectory chunk of ${cfg.chunkSteps} steps x ${cfg.agents} agents x ${obsDim} observations is ~${chunkBytes} bytes, over the NATS server's max_payload ${maxPayload}: set ALA_CHUNK_STEPS <= ${fit}, fewer agents per actor, or raise max_payload (infra/nats/nats.conf: 8MB)`,
      ),
    );
  }
  const agentIds = Array.from({ length: cfg.agents }, (_, i) => `${cfg.actorId}-${i}`);
  const table = new BiasTable(agentIds, nActions, { bound: cfg.biasBound, maxTtlMs: cfg.maxAdviceTtlMs });
  const st = emptyActorStats();
  const recent: number[] = [];
  let acting: Acting | undefined;
  let pending: { policy: OrtPolicy; version: number } | undefined;
  let newest = 0; // highest version loaded or loading
  let stopped = false;
  let inStep = false; // a vector step is running (its awaits let policy loads finish meanwhile)
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));

  const prepared = new PreparedPolicy(obsDim, nActions, (version, err) => {
    st.policyWatchErrors += 1;
    log.warn('actor: preparing a stored policy failed; it loads when announced', { actor: cfg.actorId, version, error: err });
  });
  const loadPolicy = async (version: number, sha256?: string): Promise<void> => {
    if (version <= newest) return;
    newest = version;
    try {
      // prepared from its stored bytes before the announce, else fetched; actors of this process share one load per digest
      const key = sharedLoadKey(version, sha256, obsDim, nActions);
      let fetched = false;
      const policy = await prepared.take(version, sha256, () => {
        fetched = true;
        return loadShared(key, () => fetchPolicy(deps.policies, version, sha256, obsDim, nActions));
      });
      if (!fetched) st.policyPrepared += 1;
      // a newer version may have been loaded meanwhile (loads overlap): never go back
      if (stopped || version <= Math.max(acting?.version ?? 0, pending?.version ?? 0)) return void (await policy.release());
      const old = pending;
      pending = { policy, version };
      if (old) await old.policy.release();
      installPending(); // at once when no step is running, else the loop does it before the next step
    } catch (err) {
      st.policyLoadErrors += 1;
      if (newest === version) newest = Math.max(acting?.version ?? 0, pending?.version ?? 0);
      log.warn('actor: cannot load policy', { actor: cfg.actorId, version, error: err });
    }
  };

  const subs: BusSubscription[] = [];
  // e.g. ALA_BIAS_INTAKE=thread and no worker: nothing starts, the intake's error is reported
  const intake = await startIntake(cfg, deps, { agentIds, nActions, clock, log }).catch(abortStart);
  let biasReceived = 0; // main intake: handler calls and refusals (the thread intake counts its own)
  let biasRejected = 0;
  // A bias beyond the actor's own limits is clipped (table), counted and reported at most every 10 s
  let lastLimitWarn = -Infinity;
  const reportLimits = (
    agentId: string,
    b: { bound: number; bias: readonly number[] },
    ttlMs: number | undefined,
    before: { clipped: number; ttlCapped: number },
  ): void => {
    const c = table.counts;
    if (c.clipped === before.clipped && c.ttlCapped === before.ttlCapped) return;
    const now = clock.now();
    if (now - lastLimitWarn < 10_000) return;
    lastLimitWarn = now;
    log.warn(limitsWarning(cfg.actorId, agentId, b, ttlMs, table.limits, c));
  };
  // in: live bias for each of our agents (router -> actor); stored in the table with its deadline (main intake; else the worker's)
  for (const id of intake === undefined ? agentIds : []) {
    subs.push(
      deps.bus.subscribe(Bias, s.bias(id), (b, meta) => {
        biasReceived += 1;
        const now = clock.now();
        const before = { clipped: table.counts.clipped, ttlCapped: table.counts.ttlCapped };
        const why = table.set(b.agentId, b.bias, { adviceId: b.adviceId, receivedAt: meta.receivedAt, deadline: meta.deadline }, now);
        if (why !== undefined && why !== 'expired')
          biasRejected += 1; // expired ones count in biasExpired
        else if (why === undefined) {
          reportLimits(b.agentId, b, meta.ttlMs, before);
          deps.onBiasAccepted?.(b.agentId, b.adviceId, clock.now());
        }
      }),
    );
  }
  // in: new policy versions (learner -> actors); loaded off the hot path, swapped between steps
  subs.push(
    deps.bus.subscribe(PolicyAnnounce, s.policyAnnounce, (a) => {
      if (a.obsDim !== obsDim || a.nActions !== nActions) {
        st.policyLoadErrors += 1;
        log.warn('actor: ignoring a policy for another env shape', {
          actor: cfg.actorId,
          version: a.version,
          policy: `${a.obsDim}->${a.nActions}`,
          env: `${obsDim}->${nActions}`,
        });
        return;
      }
      void loadPolicy(a.version, a.sha256);
    }),
  );

  // in: policy bytes as the learner stores them (before it announces): prepared off the hot path
  const stopWatch = await deps.policies
    .watch?.(
      (name, bytes) => prepared.offer(name, bytes, newest),
      (err) => {
        st.policyWatchErrors += 1;
        log.warn('actor: the watch of stored policies failed; policies load when announced', { actor: cfg.actorId, error: err });
      },
    )
    .catch((err: unknown) => {
      st.policyWatchErrors += 1;
      log.warn('actor: cannot watch stored policies; policies load when announced', { actor: cfg.actorId, error: err });
      return undefined;
    });

  // in (once): last stored bias per agent; expired ones are gone (Nats-TTL) or refused by deadline
  if (deps.storedBias) {
    for (const id of agentIds) {
      const sb = await deps.storedBias.read(id).catch((err: unknown) => {
        st.biasRestoreErrors += 1;
        log.warn('actor: reading the stored bias failed', { actor: cfg.actorId, agentId: id, error: err });
        return undefined;
      });
      if (sb === undefined) continue;
      const now = clock.now();
      if (table.set(id, sb.value.bias, { adviceId: sb.value.adviceId, receivedAt: now, deadline: now + sb.remainingMs() }, now) === undefined)
        st.biasRestored += 1;
    }
  }
  // in (once): the latest stored policy, if the learner published one before we started
  const latest = await deps.policies.latestVersion().catch((err: unknown) => {
    st.policyLoadErrors += 1;
    log.warn('actor: reading the latest policy version failed', { actor: cfg.actorId, error: err });
    return undefined;
  });
  if (latest !== undefined) await loadPolicy(latest);

  const inflight = new Set<Promise<void>>();
  const incarnation = randomBytes(4).toString('hex'); // chunkSeq restarts at 0 per process: the msg id must not repeat
  const sendChunk = (chunk: Parameters<TrajectorySink['publish']>[0]): void => {
    // out: trajectory chunk (actor -> learner), JetStream with msg id <actorId>-<incarnation>-<chunkSeq>
    const p = deps.trajectories
      .publish(chunk, `${cfg.actorId}-${incarnation}-${chunk.chunkSeq}`)
      .then(
        () => void (st.chunksPublished += 1),
        (err: unknown) => {
          st.chunkPublishErrors += 1;
          log.warn('actor: trajectory chunk not stored', { actor: cfg.actorId, chunkSeq: chunk.chunkSeq, error: err });
        },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  // Swap in a loaded policy; only ever called between steps (the loop, or a load finishing while the loop sleeps)
  function installPending(): void {
    const p = pending;
    if (p === undefined || inStep || stopped) return;
    pending = undefined;
    if (acting === undefined) {
      acting = new Acting(venv, p.policy, p.version, { ...cfg, agentIds, clock }, rngSplit(cfg.seed, 2), firstObs ?? cfg.seed);
      markReady();
    } else {
      const old = acting.setPolicy(p.policy, p.version);
      old.release().catch((err: unknown) => log.warn('actor: releasing a policy failed', { actor: cfg.actorId, error: err }));
    }
    st.policySwaps += 1;
    st.policyVersion = p.version;
    deps.onPolicySwap?.(p.version);
  }

  // onBiasApplied: the entry each agent last reported, and the entries first applied by this step
  const reported: (BiasEntry | undefined)[] = new Array<BiasEntry | undefined>(cfg.agents).fill(undefined);
  const firstUses = (): [number, BiasEntry][] => {
    const firsts: [number, BiasEntry][] = [];
    for (let i = 0; i < cfg.agents; i++) {
      const e = table.active[i] === 1 ? table.entry(agentIds[i]!) : undefined;
      if (e !== undefined && e !== reported[i]) firsts.push([i, e]);
    }
    return firsts;
  };

  const loop = async (): Promise<void> => {
    const period = cfg.stepHz > 0 ? 1000 / cfg.stepHz : 0;
    let next = clock.now();
    while (!stopped) {
      installPending();
      if (acting === undefined) {
        await sleep(5);
        next = clock.now();
        continue;
      }
      if (intake !== undefined) {
        const taken = table.pull(intake.slots); // the latest bias per agent the intake worker admitted
        if (deps.onBiasAccepted !== undefined) for (const [i, e] of taken) deps.onBiasAccepted(agentIds[i]!, e.adviceId, e.acceptedAt);
      }
      const now = clock.now();
      const live = table.prepare(now);
      const firsts = deps.onBiasApplied !== undefined && live > 0 ? firstUses() : undefined;
      inStep = true;
      const out = await acting.step(table).finally(() => {
        inStep = false;
        installPending(); // a load that finished during the step: swap now, not after the pacing sleep
      });
      st.vectorSteps += 1;
      if (firsts !== undefined && firsts.length > 0) {
        const at = clock.now();
        for (const [i, e] of firsts) {
          reported[i] = e;
          deps.onBiasApplied?.(agentIds[i]!, e.adviceId, at);
        }
      }
      st.envSteps += cfg.agents;
      st.advisedSteps += live;
      if (live > 0) for (let i = 0; i < cfg.agents; i++) if (table.active[i] === 1) st.adviceAgeMsSum += table.ageMs[i]!;
      // out: state snapshots for advisors (actor -> advisors), TTL = adviceTtlMs
      for (const snap of out.snapshots) deps.bus.publish(StateSnapshot, s.state(snap.agentId), snap, { ttlMs: cfg.adviceTtlMs });
      st.snapshotsPublished += out.snapshots.length;
      st.snapshotsThrottled += out.snapshotsThrottled;
      for (const r of out.episodeReturns) {
        recent.push(r);
        if (recent.length > 100) recent.shift();
        st.episodes += 1;
      }
      if (out.chunk) {
        sendChunk(out.chunk);
        while (inflight.size >= cfg.maxInflightChunks && !stopped) {
          st.chunkBackpressureWaits += 1;
          await Promise.race(inflight);
        }
      }
      if (period > 0) {
        next += period;
        const wait = next - clock.now();
        if (wait > 0) await sleep(wait);
        else {
          if (wait < -10 * period) next = clock.now(); // fell far behind: do not burst to catch up
          await tick();
        }
      } else {
        await tick();
      }
    }
  };
  const loopDone = loop().catch((err: unknown) => {
    st.loopErrors += 1;
    log.error(`actor ${cfg.actorId}: step loop stopped: ${(err as Error).message}`);
  });

  return {
    agentIds,
    ready,
    biasIntake: intake === undefined ? 'main' : 'thread',
    intakeProblem: () => intake?.problem(),
    stats: () => {
      const c = table.counts;
      const w = intake?.counts() ?? zeroTotals(); // the worker's checks, as the handler above counts them
      st.biasReceived = biasReceived + w.received;
      st.biasRejected = biasRejected + w.rejectedUnknownAgent + w.rejectedLength + w.rejectedNonFinite;
      st.biasAccepted = c.accepted + w.accepted;
      st.biasClipped = c.clipped + w.clipped;
      st.biasTtlCapped = c.ttlCapped + w.ttlCapped;
      st.biasExpired = c.expired + c.rejected.expired + w.rejectedExpired;
      st.biasExpiredUnused = c.expiredUnused + c.rejected.expired + w.rejectedExpired;
      st.biasIntakeThread = intake === undefined ? 0 : 1;
      st.biasIntakeCrashes = intake?.crashes ?? 0;
      st.meanReturn100 = recent.length === 0 ? 0 : recent.reduce((a, b) => a + b, 0) / recent.length;
      st.chunksInflight = inflight.size;
      if (venv instanceof AsyncVectorEnv) {
        const f = venv.failureCounts();
        st.envStepFailures = f.step;
        st.envResetFailures = f.reset;
      }
      return { ...st };
    },
    stop: async () => {
      stopped = true;
      await loopDone;
      await Promise.all([...subs.map((x) => x.unsubscribe()), intake?.stop()]);
      stopWatch?.();
      await prepared.close();
      await Promise.allSettled([...inflight]);
      table.clear();
      if (pending) await pending.policy.release();
      if (acting) await acting.release();
      await closeEnv(venv);
    },
  };
}

/**
 * The actor's envs for `envId`: a VectorEnv of `agents` copies, or for a server-backed env (its
 * spec has createAsync) an AsyncVectorEnv of `agents` envs built with `{ actorId, index, agents }`
 * in which a failing env ends its agent's episode (truncated) and is reset, each failure logged
 * (rate-limited) and counted (envStepFailures, envResetFailures).
 */
export async function makeActorEnv(envId: string, agents: number, o: { actorId: string; logger?: BusLogger }): Promise<ActorVectorEnv> {
  if (!isAsyncEnv(envId)) return VectorEnv.make(envId, agents);
  const log = o.logger ?? silentLogger;
  const envs = await makeAsyncEnvs(envId, agents, { actorId: o.actorId });
  return new AsyncVectorEnv(envs, {
    onEnvError: 'truncate',
    onFailure: (i, phase, err) => log.warn(`actor: env ${i} ${phase} failed; its episode ends (truncated)`, { actor: o.actorId, env: envId, error: err }),
  });
}

const closeEnv = async (venv: ActorVectorEnv): Promise<void> => {
  if (venv instanceof AsyncVectorEnv) await venv.close();
  else venv.close();
};

/**
 * The thread intake when the config asks for it ('thread') or allows it ('auto': the bus is NATS
 * and the clock the system's); undefined = receive on this thread. 'auto' falls back to this
 * thread, with a warning, when the worker cannot connect or reaches another server or cluster
 * than the actor's bus (e.g. ALA_NATS_URL not the bus's server); 'thread' throws BiasIntakeError then.
 */
async function startIntake(
  cfg: ActorRunnerConfig,
  deps: ActorRunnerDeps,
  a: { agentIds: readonly string[]; nActions: number; clock: Clock; log: BusLogger },
): Promise<BiasIntakeThread | undefined> {
  if (cfg.biasIntake === 'main') return undefined;
  const required = cfg.biasIntake === 'thread';
  const refuse = (err: BiasIntakeError): undefined => {
    if (required) throw err;
    a.log.warn(`actor ${cfg.actorId}: live biases are received on the step loop's thread: ${err.message}`);
    return undefined;
  };
  const bus = deps.bus;
  if (!(bus instanceof NatsBus)) return required ? refuse(new BiasIntakeError('unsupported', 'ALA_BIAS_INTAKE=thread needs a NATS bus')) : undefined;
  if (a.clock !== systemClock)
    return refuse(new BiasIntakeError('unsupported', 'the thread intake runs on the system clock; this actor was given another clock'));
  let intake: BiasIntakeThread;
  try {
    intake = await BiasIntakeThread.start({
      natsUrl: cfg.natsUrl,
      security: { nkeySeedFile: cfg.nkeySeedFile, tlsCaFile: cfg.tlsCaFile, tlsCertFile: cfg.tlsCertFile, tlsKeyFile: cfg.tlsKeyFile },
      connectionName: `${cfg.actorId}-bias-intake`,
      prefix: cfg.prefix,
      actorId: cfg.actorId,
      agentIds: a.agentIds,
      nActions: a.nActions,
      limits: { bound: cfg.biasBound, maxTtlMs: cfg.maxAdviceTtlMs },
      logger: a.log,
      busMetrics: deps.busMetrics ?? bus.metrics,
      stopTimeoutMs: cfg.shutdownTimeoutMs,
    });
  } catch (err) {
    return refuse(err instanceof BiasIntakeError ? err : new BiasIntakeError('start', (err as Error).message, { cause: err }));
  }
  const ours = bus.nc.info;
  const theirs = intake.server;
  const same = ours !== undefined && (theirs.serverId === ours.server_id || (theirs.cluster !== '' && theirs.cluster === ours.cluster));
  if (same) return intake;
  await intake.stop();
  return refuse(
    new BiasIntakeError(
      'server',
      `the intake worker reached another server than the actor's bus (ALA_NATS_URL ${cfg.natsUrl}: server ${theirs.serverId}, cluster ${theirs.cluster || 'none'}; bus: server ${ours?.server_id ?? '?'}, cluster ${ours?.cluster ?? 'none'})`,
    ),
  );
}
