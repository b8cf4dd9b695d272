// Evaluation of a policy without advice, for `ala up`'s summary: the actors' return is that of the
// behaviour policy μ (with advice on advised steps), so the learned policy π alone is run here on
// fresh envs (stochastic actions, as during training) until `episodes` episodes finished. A
// server-backed env is evaluated on fresh async envs (new players), a failing one ending its episode.
// Must not: touch the bus or learn.
import { AsyncVectorEnv, isAsyncEnv, makeAsyncEnvs, VectorEnv } from '@ala/envs';
import { OrtPolicy } from '@ala/policy';
import { createRng, sampleLogits } from '@ala/rl-core';

export interface EvalResult {
  readonly episodes: number;
  readonly meanReturn: number;
  readonly seconds: number;
}

/** Runs π (ONNX bytes) on `agents` copies of `envId` until `episodes` episodes finished (or maxSteps vector steps). */
export async function evaluatePolicy(
  bytes: Uint8Array,
  envId: string,
  opts: { episodes?: number; agents?: number; seed?: number; maxSteps?: number } = {},
): Promise<EvalResult> {
  const t0 = performance.now();
  const want = opts.episodes ?? 40;
  const agents = opts.agents ?? 20;
  const venv = isAsyncEnv(envId)
    ? new AsyncVectorEnv(await makeAsyncEnvs(envId, agents, { actorId: 'eval' }), { onEnvError: 'truncate' })
    : VectorEnv.make(envId, agents);
  const policy = await OrtPolicy.create(bytes, { obsDim: venv.obsDim, nActions: venv.numActions });
  const rng = createRng(opts.seed ?? 12345);
  const A = venv.numActions;
  const returns: number[] = [];
  try {
    let obs = (await venv.reset({ seed: opts.seed ?? 12345 })).obs;
    for (let t = 0; t < (opts.maxSteps ?? 5000) && returns.length < want; t++) {
      const { logits } = await policy.run(obs, venv.numEnvs);
      const mask = venv.legalActionMasks();
      const actions = Array.from({ length: venv.numEnvs }, (_, i) => sampleLogits(logits.subarray(i * A, (i + 1) * A), rng, mask.subarray(i * A, (i + 1) * A)));
      const r = await venv.step(actions);
      for (const info of r.infos) if (info.episode) returns.push(info.episode.return);
      obs = r.obs;
    }
  } finally {
    await policy.release();
    await venv.close();
  }
  const kept = returns.slice(0, want);
  return {
    episodes: kept.length,
    meanReturn: kept.length === 0 ? NaN : kept.reduce((a, b) => a + b, 0) / kept.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
