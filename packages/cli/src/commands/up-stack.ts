// The whole ALA system in one process, for `ala up`, the e2e tests and the system benchmarks: the
// transport (up-transport.ts: NATS_URL, else a nats-server started here with per-service nkey
// identities, else the InProcessBus with in-memory trajectory/policy stores and a warning), then
// ppo-learner, actor-runner and, unless the advisor is 'none', advisor-worker, vote-aggregator and
// bias-router; on NATS each service has its own connection as its own identity. The
// vote-aggregator's identity ensures the advice log and, at stop, reads what the run logged
// (up-advice-log.ts); for `ala replay` a replay publisher takes the advisor-worker's place.
// On NATS the ppo-learner runs by default in a worker thread with its own connection
// (learner-thread.ts), so its synchronous PPO update never stalls the actor's step loop; on the
// in-process bus (or with learnerThread 'main') it shares the main thread.
// Must not: print progress or write run files (up.ts does).
import {
  start as startActor,
  ACTOR_DEFAULTS,
  jetStreamActorPorts,
  makeActorEnv,
  validateActorConfig,
  type ActorRunner,
  type ActorRunnerConfig,
  type ActorVectorEnv,
} from '@ala/actor-runner';
import { start as startAdvisor, loadConfig as advisorConfig, validateAdvisorConfig, ADVISOR_DEFAULTS, type AdvisorConfig } from '@ala/advisor-worker';
import { start as startRouter, loadConfig as routerConfig, validateRouterConfig, ROUTER_DEFAULTS, type RouterConfig } from '@ala/bias-router';
import {
  start as startAggregator,
  loadConfig as aggregatorConfig,
  validateAggregatorConfig,
  AGGREGATOR_DEFAULTS,
  type AggregatorConfig,
} from '@ala/vote-aggregator';
import {
  start as startLearner,
  LEARNER_DEFAULTS,
  jetStreamLearnerPorts,
  validateLearnerConfig,
  type PpoLearner,
  type PpoLearnerConfig,
} from '@ala/ppo-learner';
import {
  ensureStreams,
  InProcessBus,
  silentLogger,
  systemClock,
  type Bus,
  type BusCounter,
  type BusLogger,
  type BusMetrics,
  type Identity,
  type JetStreamContext,
} from '@ala/bus';
import { subjects } from '@ala/protocol';
import { registerStatusEndpoint, type StatusEndpoint } from '@ala/telemetry';
import { AsyncVectorEnv, flatSize, makeEnv } from '@ala/envs';
import { maxChunkSteps } from '@ala/policy';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { MemoryPolicies, MemoryTrajectories } from './up-memory';
import { startLearnerThread, type LearnerThread, type LearnerThreadError } from '../learner-thread';
import { openUpTransport, type TransportChoice } from './up-transport';
import { openUpAdviceLog, type UpAdviceLog } from './up-advice-log';
import { startReplayPublisher, type ReplayPublisher } from '../replay/replay-publisher';
import type { AdviceLogRecord } from '../replay/advice-log-file';

export type AdvisorKind = 'scripted' | 'openai-compatible' | 'none';
export type { TransportChoice } from './up-transport';
/** Where the ppo-learner runs: 'auto' = a worker thread on NATS, the main thread on the in-process bus. */
export type LearnerThreadChoice = 'auto' | 'worker' | 'main';

export interface StackOptions {
  readonly envId: string;
  readonly agents: number;
  readonly stepHz: number;
  readonly advisor: AdvisorKind;
  /** Scripted advisor thinking time, ms. */
  readonly advisorLatencyMs: number;
  readonly adviceTtlMs: number;
  readonly seed: number;
  /** Use this server (default: NATS_URL from the environment, else start one, else in-process). */
  readonly natsUrl?: string;
  readonly transport?: TransportChoice;
  /** Embedded server: write the nkey identities here (default a temp dir); given server: use DIR/<identity>.nk. */
  readonly credsDir?: string;
  readonly prefix?: string;
  readonly chunkSteps?: number;
  readonly snapshotEvery?: number;
  readonly beta?: number;
  /** Router bound B on |b|∞. */
  readonly biasBound?: number;
  /** Learner checkpoint directory ('' = none). */
  readonly checkpointDir?: string;
  readonly logger?: BusLogger;
  readonly onUpdate?: (m: Record<string, number>) => void;
  /** Where the learner runs (default 'auto'). 'worker' needs NATS: on the in-process bus it falls back to 'main' with a warning. */
  readonly learnerThread?: LearnerThreadChoice;
  /** Env samples over which the learner anneals LR and clip; 0 = the preset's (default 0). */
  readonly totalTimesteps?: number;
  /** Called once if the learner worker crashes (the stack keeps acting; up.ts decides). */
  readonly onLearnerCrash?: (err: LearnerThreadError) => void;
  /** `ala replay`: publish these recorded advice (advice-log.jsonl) in place of the advisor-worker. */
  readonly replay?: { readonly records: readonly AdviceLogRecord[]; readonly durationMs: number };
  /** The aggregator's and router's settings of a recorded run (`ala replay`): they replace the environment's. */
  readonly voting?: Voting;
  /** Scripted advisor knobs over the environment's (e.g. the realtime validation: a 3-5 s latency range, accuracy 0.9). */
  readonly scripted?: Partial<AdvisorConfig['scripted']>;
  /** Snapshots the advisor answers at once (default max(8, 4 x agents) for the scripted advisor). */
  readonly advisorMaxInFlight?: number;
  /** Called when the actor swaps in a new policy version (between two steps). */
  readonly onPolicySwap?: (version: number) => void;
  /** Learner settings over the defaults (e.g. minBatch, hidden). */
  readonly learnerConfig?: Partial<Pick<PpoLearnerConfig, 'minBatch' | 'maxBatch' | 'maxPolicyLag' | 'hidden'>>;
}

/** The settings of the advice services that turn advice into biases (recorded in config.json). */
export interface Voting {
  readonly aggregator: AggregatorConfig;
  readonly router: RouterConfig;
}

/** Counts bus events (no handler-time history: `ala up` runs for hours). */
export class BusCounts implements BusMetrics {
  readonly totals: Record<BusCounter, number> = { in: 0, out: 0, decodeErrors: 0, expired: 0, handlerErrors: 0, overflow: 0 };
  count(counter: BusCounter, _message: string, n = 1): void {
    this.totals[counter] += n;
  }
  handlerMs(): void {}
}

export interface StackStats {
  readonly actor: ReturnType<ActorRunner['stats']>;
  readonly learner: ReturnType<PpoLearner['stats']>;
  readonly advisor: Record<string, number>;
  readonly aggregator: Record<string, number>;
  readonly router: Record<string, number>;
  readonly bus: Record<BusCounter, number>;
  /** Publishes/subscribes the NATS server denied to this process's services (docs/security.md). */
  readonly natsPermissionErrors: number;
  /** The advisor backend's last failure message per kind (e.g. the LLM server's error text). */
  readonly advisorFailures?: Record<string, string>;
}

export interface Stack {
  /** 'nats' (given server), 'nats-embedded' (started here) or 'in-process'. */
  readonly transport: 'nats' | 'nats-embedded' | 'in-process';
  readonly natsUrl: string | undefined;
  readonly serverVersion: string | undefined;
  readonly ttlEnforced: boolean;
  /** Where the services' nkey identities are (undefined: no authentication). */
  readonly credsDir: string | undefined;
  readonly actorConfig: ActorRunnerConfig;
  readonly learner: PpoLearner;
  readonly actor: ActorRunner;
  readonly bus: Bus;
  readonly jetstream: JetStreamContext | undefined;
  /** Where the learner actually runs. */
  readonly learnerThread: 'worker' | 'main';
  /** The learner worker's crash, if it crashed (always undefined with learnerThread 'main'). */
  learnerFailure(): LearnerThreadError | undefined;
  /** Microseconds between consecutive vector steps of the actor (paced runs: 1e6 / stepHz when on time). */
  readonly stepGapUs: RecordableHistogram;
  stats(): StackStats;
  /** ONNX bytes of the latest stored policy (undefined if none). */
  latestPolicy(): Promise<Uint8Array | undefined>;
  /** The advice log (NATS with ALA_ADVICE_LOG on, the default); stop() collects what the run logged. */
  readonly adviceLog: UpAdviceLog | undefined;
  /** The replay publisher when replaying (started at the actor's first step). */
  readonly replay: ReplayPublisher | undefined;
  /** The run's start: the actor's first env step (wall clock and monotonic ms); undefined before it. */
  startedAt(): { readonly wallMs: number; readonly monoMs: number } | undefined;
  /** The settings the aggregator and router run with. */
  readonly voting: Voting;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.logger ?? silentLogger;
  const prefix = opts.prefix ?? 'ala';
  const counts = new BusCounts();
  const t = await openUpTransport({ ...opts, prefix, metrics: counts, logger: log });
  if (t.warning) log.warn(t.warning);
  const onNats = t.kind !== 'in-process';
  const inProcess = onNats ? undefined : new InProcessBus({ metrics: counts, logger: log, subjects: subjects(prefix) });
  const busOf = async (identity: Identity): Promise<Bus> => inProcess ?? (await t.link(identity)).bus;
  const jsOf = async (identity: Identity): Promise<JetStreamContext | undefined> => (onNats ? (await t.link(identity)).js() : undefined);
  let ttlEnforced = false;
  const js = await jsOf('actor-runner');
  const routerJs = await jsOf('bias-router');
  if (js && routerJs) {
    // each stream by its owner (docs/security.md): ALA_TRAJ by the actor, ALA_BIAS by the router
    await ensureStreams(js, prefix, { ensure: ['traj'] });
    ttlEnforced = (await ensureStreams(routerJs, prefix, { ensure: ['bias'] })).ttl.enforced;
  }
  // the advice log by its owner, the vote-aggregator (docs/architecture.md "Advice log and replay")
  const advice = adviceConfigs(opts, prefix, js !== undefined);
  const agg = advice.aggregator;
  const aggJs = opts.advisor !== 'none' && agg.adviceLog ? await jsOf('vote-aggregator') : undefined;
  const adviceLog = aggJs
    ? await openUpAdviceLog(aggJs, prefix, { maxAgeMs: agg.adviceLogMaxAgeMs, maxBytes: agg.adviceLogMaxBytes, replicas: agg.streamReplicas })
    : undefined;
  const bus = await busOf('actor-runner');
  const memTraj = new MemoryTrajectories();
  const memPolicies = new MemoryPolicies();

  const learnerConfig = validateLearnerConfig({
    ...LEARNER_DEFAULTS,
    natsUrl: t.url ?? '',
    prefix,
    envId: opts.envId,
    seed: opts.seed,
    checkpointDir: opts.checkpointDir ?? '',
    totalTimesteps: opts.totalTimesteps ?? 0,
    ...opts.learnerConfig,
  });
  const choice = opts.learnerThread ?? 'auto';
  if (choice === 'worker' && !t.url)
    log.warn('ala up: the learner worker needs NATS; on the in-process bus the learner runs on the main thread (its updates pause acting)');
  let learnerThread: LearnerThread | undefined;
  let learner: PpoLearner;
  if (t.url && choice !== 'main') {
    const security = t.security('ppo-learner');
    learnerThread = await startLearnerThread(
      { config: learnerConfig, natsUrl: t.url, ...(security ? { security } : {}) },
      {
        logger: log,
        ...(opts.onUpdate ? { onUpdate: opts.onUpdate } : {}),
        ...(opts.onLearnerCrash ? { onCrash: opts.onLearnerCrash } : {}),
      },
    ).catch(async (err: unknown) => {
      await t.close(); // no orphan nats-server when the learner cannot start
      throw err;
    });
    learner = learnerThread;
  } else {
    const learnerJs = await jsOf('ppo-learner');
    const learnerPorts = learnerJs ? await jetStreamLearnerPorts(learnerJs, prefix, learnerConfig.consumer) : { trajectories: memTraj, policies: memPolicies };
    learner = await startLearner({
      config: learnerConfig,
      bus: await busOf('ppo-learner'),
      ...learnerPorts,
      logger: log,
      ...(opts.onUpdate ? { onUpdate: opts.onUpdate } : {}),
    });
  }

  // The advice chain (optional): advisor (or the replay of a recorded run) -> aggregator -> router -> actor
  // the actor enforces the same B and maximum TTL as the router (docs/security.md)
  const actorConfig = validateActorConfig({
    ...ACTOR_DEFAULTS,
    natsUrl: t.url ?? '',
    ...t.security('actor-runner'), // the bias intake worker connects as the actor too
    prefix,
    envId: opts.envId,
    agents: opts.agents,
    stepHz: opts.stepHz,
    adviceTtlMs: opts.adviceTtlMs,
    seed: opts.seed,
    chunkSteps: opts.chunkSteps ?? fittingChunkSteps(opts, onNats ? (await t.link('actor-runner')).conn.nc.info?.max_payload : undefined),
    snapshotEvery: opts.advisor === 'none' ? 0 : (opts.snapshotEvery ?? ACTOR_DEFAULTS.snapshotEvery),
    beta: opts.beta ?? ACTOR_DEFAULTS.beta,
    biasBound: advice.router.bound,
    maxAdviceTtlMs: advice.router.maxTtlMs,
  });
  const actorPorts = js ? await jetStreamActorPorts(js, prefix, { metrics: counts }) : { policies: memPolicies, trajectories: memTraj };
  const replay = opts.replay && opts.advisor !== 'none' ? startReplayPublisher({ bus: await busOf('advisor-worker'), ...opts.replay, log }) : undefined;
  const chain =
    opts.advisor === 'none'
      ? undefined
      : {
          advisor: replay ? replayAdvisor(replay) : startAdvisor({ bus: await busOf('advisor-worker'), clock: systemClock, config: advice.advisor, log }),
          aggregator: startAggregator({ bus: await busOf('vote-aggregator'), clock: systemClock, config: advice.aggregator, log }),
          router: startRouter({
            bus: await busOf('bias-router'),
            clock: systemClock,
            config: advice.router,
            log,
            busMetrics: counts,
            ...(routerJs ? { jetstream: routerJs } : {}),
          }),
        };
  // step-gap probe: the time between consecutive VectorEnv.step calls of the actor (no change to the actor)
  const stepGapUs = createHistogram();
  let lastStep: number | undefined;
  // the run's start for the advice log's offsets and a replay's schedule: the actor's first step
  let startedAt: { wallMs: number; monoMs: number } | undefined;
  const noteStep = (): void => {
    const now = performance.now();
    if (startedAt === undefined) {
      startedAt = { wallMs: Date.now(), monoMs: now };
      replay?.start();
    }
    if (lastStep !== undefined) stepGapUs.record(Math.max(1, Math.round((now - lastStep) * 1000)));
    lastStep = now;
  };
  // the actor's own envs (a VectorEnv, or an AsyncVectorEnv for a server-backed env), their step timed
  const makeVectorEnv = async (envId: string, n: number): Promise<ActorVectorEnv> => {
    const venv = await makeActorEnv(envId, n, { actorId: actorConfig.actorId, logger: log });
    if (venv instanceof AsyncVectorEnv) {
      const step = venv.step.bind(venv);
      venv.step = (actions) => (noteStep(), step(actions));
    } else {
      const step = venv.step.bind(venv);
      venv.step = (actions) => (noteStep(), step(actions));
    }
    return venv;
  };
  const actor = await startActor({
    config: actorConfig,
    bus,
    ...actorPorts,
    logger: log,
    makeVectorEnv,
    ...(opts.onPolicySwap ? { onPolicySwap: opts.onPolicySwap } : {}),
  }).catch(async (err: unknown) => {
    await learner.stop().catch((err: unknown) => log.warn('ala up: stopping the learner failed', { error: err })); // no orphan learner worker
    throw err;
  });
  // NATS services framework `status` endpoint per service, so `ala status` sees this process too
  const endpoints: StatusEndpoint[] = [];
  if (onNats) {
    const services: [Identity, () => Record<string, number>][] = [
      ['actor-runner', () => ({ ...actor.stats() })],
      ['ppo-learner', () => ({ ...learner.stats() })],
    ];
    if (chain)
      services.push(
        ['advisor-worker', () => chain.advisor.stats()],
        ['vote-aggregator', () => chain.aggregator.stats()],
        ['bias-router', () => chain.router.stats()],
      );
    for (const [name, stats] of services)
      endpoints.push(await registerStatusEndpoint((await t.link(name)).conn.nc, { name, version: '0.1.0', stats, metadata: { mode: 'ala-up' } }));
  }

  return {
    transport: t.kind,
    natsUrl: t.url,
    serverVersion: t.server?.version ?? (onNats ? (await t.link('actor-runner')).conn.nc.info?.version : undefined),
    credsDir: t.credsDir,
    ttlEnforced,
    actorConfig,
    learner,
    actor,
    bus,
    jetstream: js,
    learnerThread: learnerThread ? 'worker' : 'main',
    learnerFailure: () => learnerThread?.failure(),
    stepGapUs,
    stats: () => ({
      actor: actor.stats(),
      learner: learner.stats(),
      advisor: chain?.advisor.stats() ?? {},
      aggregator: chain?.aggregator.stats() ?? {},
      router: chain?.router.stats() ?? {},
      bus: { ...counts.totals },
      natsPermissionErrors: t.permissionErrors() + (learnerThread?.permissionErrors() ?? 0),
      advisorFailures: chain?.advisor.failures() ?? {},
    }),
    latestPolicy: async () => {
      const v = await actorPorts.policies.latestVersion();
      return v === undefined ? undefined : actorPorts.policies.fetch(`v${v}.onnx`);
    },
    adviceLog,
    replay,
    startedAt: () => startedAt,
    voting: { aggregator: advice.aggregator, router: advice.router },
    stop: async () => {
      await Promise.all(endpoints.map((e) => e.stop()));
      await actor.stop();
      if (chain) await Promise.all([chain.advisor.stop(), chain.aggregator.stop(), chain.router.stop()]);
      if (adviceLog) {
        if (chain) await Promise.all((['advisor-worker', 'vote-aggregator'] as const).map(async (id) => (await busOf(id)).flush()));
        await adviceLog.collect(); // never throws: a failure is reported when the file is written
      }
      await learner.stop();
      await inProcess?.close();
      await t.close();
    },
  };
}

/**
 * The actor's default steps per chunk, cut so that a chunk fits the server's max_payload (e.g. 20
 * Minecraft-v0 agents with 1401 observations: ~113 KB per step, 8 steps on a 1 MiB server).
 */
function fittingChunkSteps(opts: StackOptions, maxPayload: number | undefined): number {
  if (maxPayload === undefined) return ACTOR_DEFAULTS.chunkSteps;
  const probe = makeEnv(opts.envId);
  const obsDim = flatSize(probe.observationSpace);
  const nActions = probe.actionSpace.n;
  probe.close();
  return maxChunkSteps(maxPayload, opts.agents, obsDim, nActions, ACTOR_DEFAULTS.chunkSteps);
}

/** The replay publisher in the advisor's place (no LLM, so no failures by kind). */
function replayAdvisor(p: ReplayPublisher): { stop(): Promise<void>; stats(): Record<string, number>; failures(): Record<string, string> } {
  return { stop: () => p.stop(), stats: () => p.stats(), failures: () => ({}) };
}

/**
 * Configs of the advice services inside `ala up`. Precedence: defaults for one process (a 5 ms
 * window, 4 answers in flight per agent for the scripted advisor, as many as the LLM server has
 * slots (ALA_LLM_SLOTS) for the openai-compatible one, no rate limit) < ALA_* from the environment
 * (e.g. ALA_LLM_ENDPOINT) < the stack's other options.
 */
function adviceConfigs(opts: StackOptions, prefix: string, store: boolean): { advisor: AdvisorConfig; aggregator: AggregatorConfig; router: RouterConfig } {
  const env = process.env;
  const base = advisorConfig(env, ADVISOR_DEFAULTS);
  // an LLM server runs llm.slots requests at once: more would queue there and expire (940 sent, 8 answered)
  const maxInFlight = opts.advisorMaxInFlight ?? (opts.advisor === 'openai-compatible' ? base.llm.slots : Math.max(8, opts.agents * 4));
  const advisor = advisorConfig(env, { ...ADVISOR_DEFAULTS, maxInFlight });
  const router = routerConfig(env, { ...ROUTER_DEFAULTS, ratePerS: 100_000, burst: 100_000 });
  return {
    advisor: validateAdvisorConfig({
      ...advisor,
      prefix,
      metricsPort: 0,
      backend: opts.advisor === 'none' ? 'scripted' : opts.advisor,
      scripted: { ...advisor.scripted, latencyMs: opts.advisorLatencyMs, seed: opts.seed, ...opts.scripted },
    }),
    aggregator: validateAggregatorConfig({
      ...aggregatorConfig(env, { ...AGGREGATOR_DEFAULTS, windowMs: 5 }),
      ...opts.voting?.aggregator,
      prefix,
      metricsPort: 0,
    }),
    router: validateRouterConfig({
      ...router,
      ...opts.voting?.router,
      ...(opts.biasBound !== undefined ? { bound: opts.biasBound } : {}),
      prefix,
      metricsPort: 0,
      store,
    }),
  };
}
