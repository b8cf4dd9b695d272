// Report parts of the real-LLM and CartPole experiments: the table of what the LLM advisor did
// (model, server build, answers, invalid/truncated, agreement with the scripted expert against
// chance, real call latencies, cache use) and the headline sentences for the llm-advisor,
// cartpole-llm, cartpole-latency-sweep and long-horizon experiments. Must not: contain a number that no run produced, or run anything.
import { MILESTONES } from '@ala/envs';
import { over, type ConfigResults, type ExperimentResults, type RunSummary } from './report-data';
import { auc, beh, cfgOf, cmp, d, enough, seedsOf, type Pick } from './report-claims';
import { fmtCi, meanCi, verdict } from './stats';

type LlmStats = NonNullable<RunSummary['llm']>[string];

/**
 * The last milestone of the tech tree that the behaviour (or π alone) held in at least half the
 * episodes until the end of the run in at least half the seeds, with how many seeds held it.
 */
function furthest(c: ConfigResults, of: 'behaviour' | 'eval'): string {
  const steps = (r: RunSummary): (number | null)[] => (of === 'eval' ? r.milestoneStepsEval : r.milestoneSteps);
  for (let j = MILESTONES.length - 1; j >= 0; j--) {
    const n = c.runs.filter((r) => steps(r)[j] !== null).length;
    if (2 * n >= c.runs.length) return `${MILESTONES[j]} (${n}/${c.runs.length} seeds)`;
  }
  return 'none';
}

/** Per run and LLM advisor, its recorded statistics. */
function llmRuns(c: ConfigResults): { id: string; s: LlmStats }[] {
  return c.runs.flatMap((r) => Object.entries(r.llm ?? {}).map(([id, s]) => ({ id, s })));
}

/** The action the LLM recommended most, with its share of the valid answers over all runs ('–' without answers). */
function topAction(runs: readonly { s: LlmStats }[]): string {
  const counts: Record<string, number> = {};
  for (const x of runs) for (const [a, n] of Object.entries(x.s.actions ?? {})) counts[a] = (counts[a] ?? 0) + n;
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return top ? `${top[0]} (${((100 * top[1]) / total).toFixed(1)} %)` : '–';
}

/** What the LLM advisors of an experiment did, per configuration (empty without LLM runs). */
export function llmTable(e: ExperimentResults): string[] {
  const rows = e.configs.filter((c) => llmRuns(c).length > 0);
  if (rows.length === 0) return [];
  const out = [
    '',
    "The real LLM advisor per configuration (means over seeds with 95 % intervals; latencies are the real seconds of the calls on this shared 2-core machine, the advice itself arrived after the configuration's latency in run time):",
    '',
    '| configuration | model (server build) | seeds | answers per run | invalid or truncated | agrees with the scripted expert | chance (random legal action) | most recommended action (share of valid answers) | real call latency p50 / p95 (ms) | calls / cache hits |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of rows) {
    const runs = llmRuns(c);
    const builds = [...new Set(runs.flatMap((x) => (x.s.server?.serverVersion ? [x.s.server.serverVersion] : [])))];
    const models = [...new Set(runs.map((x) => x.s.model))];
    const ci = (f: (s: LlmStats) => number, digits = 2): string => fmtCi(meanCi(runs.map((x) => f(x.s))), digits);
    const topCell = topAction(runs);
    const p50 = Math.max(...runs.map((x) => x.s.latencyMs.p50));
    const p95 = Math.max(...runs.map((x) => x.s.latencyMs.p95));
    out.push(
      `| ${c.cfg.label} | ${models.join(', ')} (${builds.join(', ') || 'answers from the cache'}) | ${c.runs.length} | ${ci((s) => s.answers, 0)} | ${ci(
        (s) => (100 * (s.invalid + s.truncated)) / Math.max(1, s.answers),
        1,
      )} % | ${ci((s) => 100 * s.agreeRate, 1)} % | ${ci((s) => 100 * s.chanceRate, 1)} % | ${topCell} | ≤ ${p50} / ≤ ${p95} (worst seed) | ${runs.reduce((s, x) => s + x.s.calls, 0)} / ${runs.reduce(
        (s, x) => s + x.s.cacheHits,
        0,
      )} |`,
    );
  }
  if (rows.every((c) => llmRuns(c).every((x) => x.s.server?.fromCache === true)))
    out.push(
      '',
      'These result files were reproduced from the answer caches without a server (the last command above): every answer a cache hit, the same curves as the runs that called the server; the server build and the latencies are those the caches recorded.',
    );
  out.push(
    '',
    'Every answer is cached per run in `<config>/seed-<n>.llm-cache.json` (keyed by the SHA-256 of the request: model, prompt, response format, max_tokens, temperature): deleting `seed-<n>.json` and rerunning the same command reproduces the run exactly from the cache, without an LLM server.',
  );
  return out;
}

/** Headline sentences (claims) and contradictions of the paper from the llm-advisor and CartPole experiments. */
export function extraClaims(results: readonly ExperimentResults[]): { claims: string[]; contra: string[] } {
  const claims: string[] = [];
  const contra: string[] = [];
  // the real LLM advisor
  const none = cfgOf(results, 'llm-advisor', 'none');
  const llm = cfgOf(results, 'llm-advisor', 'smollm2');
  const good = cfgOf(results, 'llm-advisor', 'scripted-good');
  const rnd = cfgOf(results, 'llm-advisor', 'random');
  if (none && llm) {
    const runs = llmRuns(llm);
    const agree = meanCi(runs.map((x) => 100 * x.s.agreeRate));
    const chance = meanCi(runs.map((x) => 100 * x.s.chanceRate));
    const dp = d(llm, none, auc);
    const db = d(llm, none, beh);
    claims.push(
      `- **A real LLM advising at 3-5 s helps** (llm-advisor, SmolLM2-135M on llama-server, ${seedsOf(llm)}; no advice ${seedsOf(none)}): its action agreed with the scripted expert's best in ${fmtCi(agree, 1)} % of answers (a random legal action: ${fmtCi(chance, 1)} %), its most recommended action: ${topAction(runs)}; against no advice, the advised return ${cmp(db)}, π alone ${cmp(dp)}.` +
        (good ? ` The scripted expert in the same setting: advised ${cmp(d(good, none, beh))}, π alone ${cmp(d(good, none, auc))}.` : '') +
        (rnd ? ` The LLM against a random advisor: advised ${cmp(d(llm, rnd, beh))}, π alone ${cmp(d(llm, rnd, auc))}.` : ''),
    );
    if (enough(none, llm) && verdict(dp) !== 'higher' && verdict(db) !== 'higher')
      contra.push(
        `a real small LLM (SmolLM2-135M) advising at 3-5 s did not speed up learning in CraftWorld (π alone: ${verdict(dp)}; while advised: ${verdict(db)}${
          good ? `; the scripted expert in the same setting, π alone: ${verdict(d(good, none, auc))}, while advised: ${verdict(d(good, none, beh))}` : ''
        })`,
      );
  } else claims.push('- **A real LLM advising at 3-5 s helps** (llm-advisor): not run yet.');
  // the real LLM in CartPole, its latency taken out
  const noneP = cfgOf(results, 'cartpole-llm', 'none');
  const llmP = cfgOf(results, 'cartpole-llm', 'smollm2');
  if (noneP && llmP) {
    const runs = llmRuns(llmP);
    const goodP = cfgOf(results, 'cartpole-llm', 'scripted-good');
    const agree = meanCi(runs.map((x) => 100 * x.s.agreeRate));
    const chance = meanCi(runs.map((x) => 100 * x.s.chanceRate));
    claims.push(
      `- **A real LLM knows CartPole** (cartpole-llm, SmolLM2-135M, answers arriving 50-100 ms after the snapshot, ${seedsOf(llmP)}): its action agreed with the expert's in ${fmtCi(agree, 1)} % of answers (a random action: ${fmtCi(chance, 1)} %), most recommended: ${topAction(runs)}; advised steps ${fmtCi(
        over(llmP, (r) => 100 * r.advisedFrac),
        1,
      )} %; against no advice, the advised return ${cmp(d(llmP, noneP, beh))}, π alone ${cmp(d(llmP, noneP, auc))}.` +
        (goodP ? ` The scripted expert at the same cadence: advised ${cmp(d(goodP, noneP, beh))}, π alone ${cmp(d(goodP, noneP, auc))}.` : ''),
    );
    const above = agree.mean - agree.half > chance.mean + chance.half;
    if (enough(noneP, llmP) && !above)
      contra.push(
        `in CartPole a real small LLM (SmolLM2-135M) chose the expert's action no more often than chance (${fmtCi(agree, 1)} % vs ${fmtCi(chance, 1)} %)`,
      );
  } else claims.push('- **A real LLM knows CartPole** (cartpole-llm): not run yet.');
  // six times the training
  const noneLong = cfgOf(results, 'long-horizon', 'none');
  const slowLong = cfgOf(results, 'long-horizon', 'good-3-5s');
  if (noneLong && slowLong) {
    const fastLong = cfgOf(results, 'long-horizon', 'good-50ms');
    const end: Pick = (r) => r.evalFinal;
    const line = (c: ConfigResults): string =>
      `π alone at the end ${fmtCi(over(c, end))} (${cmp(d(c, noneLong, end))}), over training ${cmp(d(c, noneLong, auc))}, while advised ${cmp(d(c, noneLong, beh))}; furthest milestone held by the agents while advised: ${furthest(c, 'behaviour')}, by π alone: ${furthest(c, 'eval')}`;
    claims.push(
      `- **With 6x the training** (long-horizon, 245,760 env steps, ${seedsOf(noneLong, slowLong)}): no advice reached π alone ${fmtCi(over(noneLong, end))} at the end; furthest milestone held without advice: ${furthest(noneLong, 'behaviour')}, by π alone: ${furthest(noneLong, 'eval')}. The good advisor at 3-5 s: ${line(slowLong)}.` +
        (fastLong ? ` At 50-100 ms: ${line(fastLong)}.` : '') +
        ' Env steps to each milestone are in the long-horizon section.',
    );
    if (enough(noneLong, slowLong) && verdict(d(slowLong, noneLong, auc)) !== 'higher' && verdict(d(slowLong, noneLong, end)) !== 'higher')
      contra.push(
        `with 6x the training, advice at 3-5 s still did not make the learned policy better (π alone at the end: ${verdict(d(slowLong, noneLong, end))}; over training: ${verdict(d(slowLong, noneLong, auc))})`,
      );
  } else claims.push('- **With 6x the training** (long-horizon): not run yet.');
  // CartPole latency sweep
  const cp = results.find((e) => e.meta.name === 'cartpole-latency-sweep');
  const noneC = cfgOf(results, 'cartpole-latency-sweep', 'none');
  if (cp && noneC) {
    const rows = cp.configs.filter((c) => c.cfg.x !== undefined && c.cfg.x > 0 && c.runs.length > 0);
    const helps = rows.filter((c) => verdict(d(c, noneC, beh)) === 'higher').map((c) => c.cfg.x!);
    const piHelps = rows.filter((c) => verdict(d(c, noneC, auc)) === 'higher').map((c) => c.cfg.x!);
    claims.push(
      `- **Seconds-old advice in a fast control task** (cartpole-latency-sweep, CartPole-v1 at 50 steps/s, TTL = 2.5 L, ${seedsOf(noneC)}): no advice ${fmtCi(over(noneC, beh))} advised return, π alone ${fmtCi(over(noneC, auc))}; the advised return was higher than without advice at ${helps.length ? `L = ${helps.join(', ')} ms` : 'no latency tested'}, π alone at ${piHelps.length ? `L = ${piHelps.join(', ')} ms` : 'no latency tested'}.` +
        rows.map((c) => ` L ${c.cfg.x} ms: advised ${cmp(d(c, noneC, beh))}, π alone ${cmp(d(c, noneC, auc))}`).join(';') +
        (rows.length > 0 ? '.' : ''),
    );
    const paper = rows.find((c) => c.cfg.x === 4000);
    if (paper && enough(noneC, paper) && verdict(d(paper, noneC, beh)) !== 'higher' && verdict(d(paper, noneC, auc)) !== 'higher')
      contra.push(
        `in CartPole, advice at the paper's latency (L = 4 s, 200 steps old) helped neither the advised agents (${cmp(d(paper, noneC, beh))}) nor the learned policy (${cmp(d(paper, noneC, auc))})`,
      );
  } else claims.push('- **Seconds-old advice in a fast control task** (cartpole-latency-sweep): not run yet.');
  return { claims, contra };
}
