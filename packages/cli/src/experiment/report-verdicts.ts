// The first paragraphs of docs/results.md: for each claim of the paper, one sentence computed from
// the runs (means, 95 % intervals, and whether the interval of the difference excludes zero), and
// a plain list of where the evidence contradicts the paper. A claim without runs says "not run".
// Must not: contain any number that does not come from the runs.
import { over, secondHalfEval, type ExperimentResults } from './report-data';
import { auc, beh, cfgOf, cmp, d, enough, seedsOf, type Pick } from './report-claims';
import { extraClaims } from './report-extra';
import { fmtCi, verdict } from './stats';

export function headline(results: readonly ExperimentResults[]): string[] {
  const claims: string[] = [];
  const contra: string[] = [];
  const quick = results.some((e) => e.meta.quick);
  // 1. advice at 3-5 s vs none
  const none1 = cfgOf(results, 'advice-vs-none', 'none');
  const slow = cfgOf(results, 'advice-vs-none', 'good-3-5s');
  const fast = cfgOf(results, 'advice-vs-none', 'good-50ms');
  if (none1 && slow) {
    const dp = d(slow, none1, auc);
    const db = d(slow, none1, beh);
    claims.push(
      `- **Advice at 3-5 s speeds up learning** (advice-vs-none, ${seedsOf(none1, slow)}): π alone averaged ${fmtCi(over(slow, auc))} over training with a good advisor (accuracy 0.9) at 3-5 s vs ${fmtCi(over(none1, auc))} without advice (${cmp(dp)}); the agents' return while advised ${fmtCi(over(slow, beh))} vs ${fmtCi(over(none1, beh))} (${cmp(db)}).` +
        (fast
          ? ` The same advisor at 50-100 ms: π alone ${fmtCi(over(fast, auc))} (${cmp(d(fast, none1, auc))}), while advised ${fmtCi(over(fast, beh))} (${cmp(d(fast, none1, beh))}).`
          : ''),
    );
    if (enough(none1, slow) && verdict(dp) !== 'higher' && verdict(db) !== 'higher')
      contra.push(
        `advice at the paper's 3-5 s latency did not speed up learning in CraftWorld (against no advice, π alone: ${verdict(dp)}; the agents while advised: ${verdict(db)})`,
      );
  } else claims.push('- **Advice at 3-5 s speeds up learning**: not run yet.');
  // 2. latency sweep
  const lat = results.find((e) => e.meta.name === 'latency-sweep');
  const noneL = cfgOf(results, 'latency-sweep', 'none');
  if (lat && noneL) {
    const rows = lat.configs.filter((c) => c.cfg.x !== undefined && c.cfg.x > 0 && c.runs.length > 0);
    const helps = rows.filter((c) => verdict(d(c, noneL, beh)) === 'higher').map((c) => c.cfg.x!);
    const hurts = rows.filter((c) => verdict(d(c, noneL, beh)) === 'lower').map((c) => c.cfg.x!);
    const piHelps = rows.filter((c) => verdict(d(c, noneL, auc)) === 'higher').map((c) => c.cfg.x!);
    claims.push(
      `- **Where advice stops helping** (latency-sweep, TTL = 2.5 L): the advised return was higher than without advice at L = ${helps.join(', ') || 'no latency tested'}${helps.length ? ' ms' : ''}, lower at L = ${hurts.join(', ') || 'no latency tested'}${hurts.length ? ' ms' : ''}; π alone (the learned policy) was better than without advice at ${piHelps.length ? `L = ${piHelps.join(', ')} ms` : 'no latency tested'}. ` +
        rows.map((c) => `L ${c.cfg.x} ms: advised ${cmp(d(c, noneL, beh))}, π alone ${cmp(d(c, noneL, auc))}`).join('; ') +
        '.',
    );
    if (piHelps.length === 0 && rows.length > 0 && enough(noneL, ...rows))
      contra.push(
        `at no advisor latency tested (${rows.map((c) => c.cfg.x).join(', ')} ms) did advice make the learned policy better than learning without advice; it improved only what the agents did while advised${helps.length ? ` (at L <= ${Math.max(...helps)} ms)` : ''}`,
      );
  } else claims.push('- **Where advice stops helping** (latency sweep): not run yet.');
  // 3. TTL
  const noneT = cfgOf(results, 'ttl-sweep', 'none');
  const ttl = results.find((e) => e.meta.name === 'ttl-sweep');
  const ttlRows = ttl?.configs.filter((c) => c.cfg.id !== 'none' && c.runs.length > 0) ?? [];
  if (noneT && ttlRows.length > 0) {
    const rows = ttlRows;
    claims.push(
      `- **Stale advice hurts, expiry fixes it** (ttl-sweep, advisor at 3-5 s): ` +
        rows.map((c) => `${c.cfg.label}: advised ${cmp(d(c, noneT, beh))}, π alone ${cmp(d(c, noneT, auc))}`).join('; ') +
        '.',
    );
  } else claims.push('- **Stale advice hurts, expiry fixes it** (TTL sweep): not run yet.');
  // 4. bad advice
  const noneB = cfgOf(results, 'bad-advice', 'none');
  const adv = cfgOf(results, 'bad-advice', 'adversarial');
  const stop = cfgOf(results, 'bad-advice', 'adversarial-stop');
  if (noneB && adv) {
    const bad = results.find((e) => e.meta.name === 'bad-advice')!.configs.filter((c) => c.runs.length > 0 && c.cfg.id !== 'none');
    const held = bad.every((c) => c.runs.every((r) => r.maxLogRatio <= 2 * c.cfg.config.beta * c.cfg.config.bound + 1e-6));
    const maxR = Math.max(...bad.flatMap((c) => c.runs.map((r) => r.maxLogRatio)));
    claims.push(
      `- **Bad advice does bounded harm** (bad-advice, fresh advice, β = 1, B = 1): max |log μ/π| over every advised step ${maxR.toFixed(3)} (bound 2βB = 2: ${held ? 'held' : 'VIOLATED'}); an adversarial advisor changed the advised return by ${cmp(d(adv, noneB, beh))} and π alone by ${cmp(d(adv, noneB, auc))}.` +
        (stop
          ? ` Stopped at 50 %: π alone at the end ${fmtCi(over(stop, (r) => r.evalFinal))} vs ${fmtCi(over(noneB, (r) => r.evalFinal))} without advice (${cmp(d(stop, noneB, (r) => r.evalFinal))}); π alone over the second half (after the stop) ${fmtCi(over(stop, secondHalfEval))} vs ${fmtCi(over(noneB, secondHalfEval))} (${cmp(d(stop, noneB, secondHalfEval))}).`
          : ''),
    );
    if (stop && enough(stop, noneB) && verdict(d(stop, noneB, secondHalfEval)) === 'lower')
      contra.push(
        `after an adversarial advisor stopped at half the run, the learned policy stayed worse than one trained without advice over the second half (π alone ${fmtCi(over(stop, secondHalfEval))} vs ${fmtCi(over(noneB, secondHalfEval))}; at the very end: ${cmp(d(stop, noneB, (r) => r.evalFinal))})`,
      );
    const rnd = cfgOf(results, 'bad-advice', 'random');
    if (rnd) claims[claims.length - 1] += ` A random advisor (accuracy 0): advised ${cmp(d(rnd, noneB, beh))}, π alone ${cmp(d(rnd, noneB, auc))}.`;
    if (!held) contra.push('the 2βB bound on |log π/μ| was exceeded');
  } else claims.push('- **Bad advice does bounded harm**: not run yet.');
  // 5. IS modes
  const is = results.find((e) => e.meta.name === 'is-modes');
  if (is && is.configs.some((c) => c.runs.length > 0)) {
    const rows = is.configs.filter((c) => c.runs.length > 0);
    claims.push(
      `- **IS modes** (is-modes, fresh good advisor): π alone averaged over training: ${rows.map((c) => `${c.cfg.label} ${fmtCi(over(c, auc))}`).join('; ')}.`,
    );
    const pairs = [1, 3].map((b) => [cfgOf(results, 'is-modes', `seed-b${b}`), cfgOf(results, 'is-modes', `decoupled-b${b}`)] as const);
    const worse = pairs.filter(([sd, dc]) => sd && dc && enough(sd, dc) && verdict(d(sd, dc, auc)) === 'lower');
    if (worse.length > 0 && worse.length === pairs.length)
      contra.push(
        `the paper's importance ratio (IS mode seed) learned worse than the decoupled correction at every β·B tested (${worse.map(([sd, dc]) => `β·B = ${sd!.cfg.x}: ${cmp(d(sd!, dc!, auc))}`).join('; ')})`,
      );
  } else claims.push('- **IS modes**: not run yet.');
  // 6. several advisors
  const best = cfgOf(results, 'multi-advisor', 'best-alone');
  const sel = cfgOf(results, 'multi-advisor', 'select');
  const blend = cfgOf(results, 'multi-advisor', 'blend');
  if (best && sel && blend) {
    const ds = d(sel, best, beh);
    const db = d(blend, best, beh);
    claims.push(
      `- **Several advisors voting beat one** (multi-advisor, accuracies 0.9/0.6/0.3): against the best advisor alone, select ${cmp(ds)} and blend ${cmp(db)} in advised return; π alone: select ${cmp(d(sel, best, auc))}, blend ${cmp(d(blend, best, auc))}.`,
    );
    if (enough(best, sel, blend) && verdict(ds) !== 'higher' && verdict(db) !== 'higher')
      contra.push('three advisors voting (select or blend) did not beat the best advisor alone');
  } else claims.push('- **Several advisors voting beat one**: not run yet.');
  // 7. advice off
  const noneO = cfgOf(results, 'advice-off', 'none');
  const off = cfgOf(results, 'advice-off', 'off-half');
  const always = cfgOf(results, 'advice-off', 'always');
  if (noneO && off && always) {
    const f: Pick = (r) => r.evalFinal;
    claims.push(
      `- **The policy keeps its performance when advice stops** (advice-off): π alone at the end, advice off at 50 % ${fmtCi(over(off, f))} vs advice throughout ${fmtCi(over(always, f))} (${cmp(d(off, always, f))}) vs never advised ${fmtCi(over(noneO, f))} (${cmp(d(off, noneO, f))}).`,
    );
  } else claims.push('- **The policy keeps its performance when advice stops**: not run yet.');
  // 8-9. the real LLM advisor and CartPole (report-extra.ts)
  const extra = extraClaims(results);
  claims.push(...extra.claims);
  contra.push(...extra.contra);
  return [
    ...(quick ? ['> **QUICK MODE**: these runs are test-sized; the numbers below are not results.', ''] : []),
    contra.length > 0
      ? `**Where the evidence contradicts the paper:** ${contra.join('; ')}.`
      : '**Where the evidence contradicts the paper:** nowhere among the experiments run so far (see below for the numbers).',
    '',
    ...claims,
  ];
}
