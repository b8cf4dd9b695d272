// Test support for the monitoring suites: find the real `prometheus` and `promtool` binaries
// (PROMETHEUS_BIN / PROMTOOL_BIN, else PATH), start a throwaway Prometheus server that scrapes
// given targets into a temp TSDB, query its HTTP API, and run ALA services as real processes
// (`ala <service>`, what a container runs). Must not: skip when a binary is missing (it throws,
// saying how to install it), or leave a process running (an exit hook kills stragglers).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from '@ala/testkit';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export class PrometheusNotFoundError extends Error {
  override readonly name = 'PrometheusNotFoundError';
  constructor(
    readonly binary: 'prometheus' | 'promtool',
    readonly tried: string,
    options?: { cause?: unknown },
  ) {
    const envVar = binary === 'prometheus' ? 'PROMETHEUS_BIN' : 'PROMTOOL_BIN';
    super(
      `${binary} not found ('${tried}'): run \`npm run setup\` (scripts/install-prometheus.sh installs Prometheus with promtool) or set ${envVar}`,
      options,
    );
  }
}

/** Path or command name of a working binary; throws PrometheusNotFoundError. */
export function locatePromBinary(binary: 'prometheus' | 'promtool', env: NodeJS.ProcessEnv = process.env): string {
  const bin = (binary === 'prometheus' ? env.PROMETHEUS_BIN : env.PROMTOOL_BIN) || binary;
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch (err) {
    throw new PrometheusNotFoundError(binary, bin, { cause: err });
  }
  return bin;
}

/** Runs promtool with the given arguments; resolves to {code, stdout, stderr} (no throw on a non-zero exit). */
export function promtool(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const bin = locatePromBinary('promtool');
  try {
    const stdout = execFileSync(bin, args, { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 }).toString();
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status?: number | null; stdout?: Buffer; stderr?: Buffer };
    return { code: e.status ?? -1, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? '' };
  }
}

// ---- processes, never leaked ----

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** stderr (and stdout when `captureStdout`), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function spawnProc(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, opts: { captureStdout?: boolean } = {}): Proc {
  const child = spawn(cmd, args, { env, stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'] });
  live.add(child);
  const chunks: string[] = [];
  const keep = (d: Buffer): void => {
    chunks.push(d.toString());
    if (chunks.length > 400) chunks.splice(0, chunks.length - 400);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
    child.once('error', (err) => {
      chunks.push(`spawn failed: ${err.message}\n`);
      live.delete(child);
      resolve(-1);
    });
  });
  return {
    name,
    child,
    exited,
    output: () => chunks.join(''),
    stop: async (graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** One ALA service as a real process: `node packages/cli/bin/ala.js <service>` with its /metrics on `metricsPort`. */
export function spawnService(service: string, natsUrl: string, metricsPort: number, env: Record<string, string> = {}): Proc {
  const bin = path.join(REPO_ROOT, 'packages', 'cli', 'bin', 'ala.js');
  return spawnProc(service, process.execPath, [bin, service], { ...process.env, ALA_NATS_URL: natsUrl, ALA_METRICS_PORT: String(metricsPort), ...env });
}

// ---- Prometheus server ----

/** One element of an instant-query vector. */
export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
  /** Evaluation time, Unix seconds. */
  readonly time: number;
}

export interface PrometheusHandle {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly proc: Proc;
  /** Instant query through `/api/v1/query`; throws on an API error or a non-vector result. */
  query(expr: string): Promise<Sample[]>;
  /** Loaded rules from `/api/v1/rules`: name, kind and evaluation health (`ok`, `unknown`, `err`). */
  rules(): Promise<RuleState[]>;
  /** Stops the server and removes its temp dir. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** job name -> `host:port` targets scraped on `/metrics`. */
  readonly jobs: Record<string, string[]>;
  readonly scrapeIntervalS?: number;
  /** Rule files to load (copied next to the generated config). */
  readonly ruleFiles?: string[];
  readonly readyTimeoutMs?: number;
}

export interface RuleState {
  readonly name: string;
  readonly type: 'alerting' | 'recording';
  readonly health: string;
  readonly lastError?: string;
}

/** The config `startPrometheus` writes: one static job per entry. */
export function scrapeConfig(jobs: Record<string, string[]>, scrapeIntervalS = 1, ruleFiles: string[] = []): string {
  const lines = ['global:', `  scrape_interval: ${scrapeIntervalS}s`, `  scrape_timeout: ${scrapeIntervalS}s`, `  evaluation_interval: ${scrapeIntervalS}s`];
  if (ruleFiles.length > 0) lines.push('rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`));
  lines.push('scrape_configs:');
  for (const [job, targets] of Object.entries(jobs)) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    static_configs:', `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startPrometheus(opts: StartPrometheusOptions): Promise<PrometheusHandle> {
  const bin = locatePromBinary('prometheus');
  const dir = mkdtempSync(path.join(tmpdir(), 'ala-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  const rules = (opts.ruleFiles ?? []).map((f, i) => {
    const name = `rules-${i}-${path.basename(f)}`;
    copyFileSync(f, path.join(dir, name));
    return name;
  });
  writeFileSync(configFile, scrapeConfig(opts.jobs, opts.scrapeIntervalS ?? 1, rules));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnProc(
    'prometheus',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { ...process.env },
  );
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () =>
        proc.child.exitCode !== null ||
        (await fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        )),
      opts.readyTimeoutMs ?? 15_000,
      { what: 'prometheus /-/ready', intervalMs: 100 },
    );
    if (proc.child.exitCode !== null) throw new Error(`prometheus exited with code ${proc.child.exitCode}`);
  } catch (err) {
    await stop();
    throw new Error(`prometheus did not become ready; output:\n${proc.output()}`, { cause: err });
  }
  return { url, proc, query: (expr) => instantQuery(url, expr), rules: () => loadedRules(url), stop };
}

interface ApiVector {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function instantQuery(url: string, expr: string): Promise<Sample[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as ApiVector;
  if (body.status !== 'success' || !body.data) throw new Error(`query ${expr} failed (HTTP ${res.status}): ${body.error ?? 'no data'}`);
  if (body.data.resultType !== 'vector') throw new Error(`query ${expr}: expected a vector, got ${body.data.resultType}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]), time: r.value[0] }));
}

async function loadedRules(url: string): Promise<RuleState[]> {
  const res = await fetch(`${url}/api/v1/rules`);
  const body = (await res.json()) as { status: string; error?: string; data?: { groups: { rules: RuleState[] }[] } };
  if (body.status !== 'success' || !body.data) throw new Error(`/api/v1/rules failed (HTTP ${res.status}): ${body.error ?? 'no data'}`);
  return body.data.groups.flatMap((g) =>
    g.rules.map((r) => ({ name: r.name, type: r.type, health: r.health, ...(r.lastError ? { lastError: r.lastError } : {}) })),
  );
}
