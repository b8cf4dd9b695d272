#!/usr/bin/env node
// Checks a running compose stack through its Prometheus (the only thing it talks to): every
// scrape target up; `ala_*` and nats-exporter `gnatsd_*` series present; training advances (the
// learner published policy version > 1 and the actors' env steps keep growing); advice is
// applied (advised steps > 0); all five services report their NATS identity was denied nothing.
// Polls until all hold or the deadline passes (then exit 1 with what is still missing). Also
// lists the dashboard's metrics Prometheus has no series for (info).
// Usage: check-stack.mjs PROMETHEUS_URL DEADLINE_SECONDS DASHBOARD_JSON [llm]
// (llm: the advisor uses the LLM server; its successful requests must be counted too)
// Must not: start, stop or change anything.
import { readFileSync } from 'node:fs';

const [base, deadlineArg, dashboardFile, mode] = process.argv.slice(2);
if (!base || !deadlineArg || !dashboardFile) {
  process.stderr.write('usage: check-stack.mjs PROMETHEUS_URL DEADLINE_SECONDS DASHBOARD_JSON\n');
  process.exit(2);
}
const deadline = Date.now() + Number(deadlineArg) * 1000;
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

async function api(path) {
  const res = await fetch(`${base}/api/v1/${path}`, { signal: AbortSignal.timeout(5000) });
  const body = await res.json();
  if (body.status !== 'success') throw new Error(`${path}: ${JSON.stringify(body).slice(0, 200)}`);
  return body.data;
}
/** One number from an instant query; NaN when the query has no result. */
async function scalar(expr) {
  const r = await api(`query?query=${encodeURIComponent(expr)}`);
  return r.result.length ? Number(r.result[0].value[1]) : NaN;
}

let firstSteps = NaN;
const done = new Map(); // check name -> passing detail
async function round() {
  const missing = [];
  const targets = (await api('targets?state=active')).activeTargets;
  const down = targets.filter((t) => t.health !== 'up').map((t) => `${t.labels.job} (${t.health}${t.lastError ? `: ${t.lastError}` : ''})`);
  if (targets.length < 7 || down.length) missing.push(`targets up: ${targets.length - down.length}/${targets.length}, down: ${down.join(', ') || 'none'}`);
  else
    done.set(
      'targets',
      `${targets.length} targets up (${targets
        .map((t) => t.labels.job)
        .sort()
        .join(', ')})`,
    );
  const checks = [
    ['ala series', 'count({__name__=~"ala_.+"})', (v) => v > 0],
    ['gnatsd series', 'count({__name__=~"gnatsd_.+"})', (v) => v > 0],
    ['policy version', 'max(ala_learner_policy_version)', (v) => v > 1],
    ['actor policy version', 'max(ala_actor_policy_version)', (v) => v >= 1],
    ['advised steps', 'sum(ala_actor_advised_steps_total)', (v) => v > 0],
    // every service connected with its own identity and was denied nothing (count: all five report)
    ['no permission denials', 'sum(ala_nats_permission_errors_total)', (v) => v === 0],
    ['five identities reporting', 'count(ala_nats_permission_errors_total)', (v) => v === 5],
    ...(mode === 'llm' ? [['LLM answers', 'sum(ala_llm_requests_total{outcome="ok"})', (v) => v > 0]] : []),
  ];
  for (const [name, expr, ok] of checks) {
    const v = await scalar(expr);
    if (ok(v)) done.set(name, `${expr} = ${v}`);
    else missing.push(`${name}: ${expr} = ${v}`);
  }
  const steps = await scalar('sum(ala_actor_env_steps_total)');
  if (Number.isNaN(firstSteps) && steps > 0) firstSteps = steps;
  if (steps > firstSteps) done.set('env steps growing', `sum(ala_actor_env_steps_total) ${firstSteps} -> ${steps}`);
  else missing.push(`env steps growing: sum(ala_actor_env_steps_total) = ${steps} (first seen ${firstSteps})`);
  return missing;
}

async function main() {
  let missing = ['not checked yet'];
  while (Date.now() < deadline) {
    try {
      missing = await round();
    } catch (e) {
      missing = [`Prometheus not answering: ${e.message}`];
    }
    if (!missing.length) break;
    process.stdout.write(`  [${secs()} s] waiting: ${missing.join('; ')}\n`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  for (const [name, detail] of done) process.stdout.write(`  ok ${name}: ${detail}\n`);
  const dash = JSON.parse(readFileSync(dashboardFile, 'utf8'));
  const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const names = [...new Set(exprs.flatMap((e) => e.match(/\b(?:ala|gnatsd)_[a-z0-9_]+/g) ?? []))].sort();
  const absent = [];
  for (const n of names) if (Number.isNaN(await scalar(`count(${n})`).catch(() => NaN))) absent.push(n);
  process.stdout.write(
    `  dashboard: ${names.length - absent.length}/${names.length} metrics have series` +
      (absent.length ? ` (none yet, e.g. counters not incremented or LLM backend off: ${absent.join(', ')})` : '') +
      '\n',
  );
  if (missing.length) {
    process.stderr.write(`FAIL after ${secs()} s: ${missing.join('; ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`  stack checks passed in ${secs()} s\n`);
}
main().catch((e) => {
  process.stderr.write(`FAIL: ${e.stack}\n`);
  process.exit(1);
});
