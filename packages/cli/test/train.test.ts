// `ala train` end to end through the real bin (node + tsx): output files, resume, SIGINT, and
// clear errors for bad arguments; plus the pure helpers (overrides, SVG curve).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides } from '../src/commands/train';
import { CliUsageError, RUN_FILES, learningCurveSvg, trainCurvePoints } from '@ala/cli';

const BIN = path.resolve(__dirname, '..', 'bin', 'ala.js');

function ala(
  args: string[],
  onStdout?: (chunk: string, kill: (sig: NodeJS.Signals) => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(d.toString(), (sig) => p.kill(sig));
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ala-train-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const readJson = async (f: string): Promise<Record<string, unknown>> => JSON.parse(await fs.readFile(f, 'utf8')) as Record<string, unknown>;
const lines = async (f: string): Promise<Record<string, unknown>[]> =>
  (await fs.readFile(f, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

it('writes every output file, then --resume continues the same run', async () => {
  const out = path.join(dir, 'run');
  const r = await ala(['train', '--env', 'CartPole-v1', '--seed', '2', '--total-steps', '1024', '--out', out, '--progress', 'plain']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/steps \d+\/1024 \| \d+ steps\/s \| return [\d.]+ \| policy v\d+/);
  for (const f of Object.values(RUN_FILES)) await expect(fs.access(path.join(out, f))).resolves.toBeUndefined();

  const config = await readJson(path.join(out, RUN_FILES.config));
  expect(config).toMatchObject({ envId: 'CartPole-v1', seed: 2, backend: 'kernel', config: { numEnvs: 8, numSteps: 32, totalTimesteps: 1024 } });
  expect(Object.keys(config.versions as object).sort()).toEqual(['ala', 'gitCommit', 'node', 'onnxruntime', 'tfjs']);
  const summary = await readJson(path.join(out, RUN_FILES.summary));
  expect(summary).toMatchObject({
    envId: 'CartPole-v1',
    seed: 2,
    solved: false,
    solvedAtStep: null,
    envSteps: 1024,
    iterations: 4,
    policyVersion: 4,
    stoppedBy: 'budget',
  });
  expect(summary.finalMean100).toEqual(expect.any(Number));
  expect(summary.wallSeconds).toEqual(expect.any(Number));
  const metrics = await lines(path.join(out, RUN_FILES.metrics));
  expect(metrics.map((m) => m.envSteps)).toEqual([256, 512, 768, 1024]);
  expect(metrics[0]).toHaveProperty('approxKl');
  expect(metrics[0]).toHaveProperty('essOverN');
  const onnx = await fs.readFile(path.join(out, RUN_FILES.model));
  expect(onnx.length).toBeGreaterThan(30_000);
  const svg = await fs.readFile(path.join(out, RUN_FILES.curve), 'utf8');
  expect(svg).toMatch(/^<svg[\s\S]*mean of last 100[\s\S]*<\/svg>$/); // the Vega-Lite curve

  const r2 = await ala(['train', '--resume', out, '--total-steps', '1536', '--progress', 'none']);
  expect(r2.stderr).toBe('');
  expect(r2.code).toBe(0);
  const metrics2 = await lines(path.join(out, RUN_FILES.metrics));
  expect(metrics2.map((m) => m.envSteps)).toEqual([256, 512, 768, 1024, 1280, 1536]);
  expect(await readJson(path.join(out, RUN_FILES.summary))).toMatchObject({ envSteps: 1536, iterations: 6, policyVersion: 6 });

  // The run directory is not overwritten by accident.
  const r3 = await ala(['train', '--total-steps', '256', '--out', out]);
  expect(r3.code).toBe(1);
  expect(r3.stderr).toMatch(/already holds a run; pass --resume/);
  const r4 = await ala(['train', '--resume', out, '--env', 'Other-v0']);
  expect(r4.stderr).toMatch(/--env Other-v0 conflicts with the checkpoint's env CartPole-v1/);
}, 60_000);

it('SIGINT stops after the current iteration with a checkpoint and exit code 130', async () => {
  const out = path.join(dir, 'sig');
  let sent = false;
  const r = await ala(['train', '--total-steps', '1000000', '--out', out, '--progress', 'plain'], (_chunk, kill) => {
    if (!sent) {
      sent = true;
      kill('SIGINT');
    }
  });
  expect(r.code).toBe(130);
  expect(r.stderr).toMatch(/stopping after this iteration/);
  const summary = await readJson(path.join(out, RUN_FILES.summary));
  expect(summary.stoppedBy).toBe('signal');
  expect(summary.envSteps).toBeLessThan(1_000_000);
  await expect(fs.access(path.join(out, RUN_FILES.checkpoint))).resolves.toBeUndefined();
}, 60_000);

it('bad arguments fail with one clear line', async () => {
  const r = await ala(['train', '--set', 'nope=1', '--out', path.join(dir, 'x')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^ala: CliUsageError: --set nope=1: expected key=value/);
  const r2 = await ala(['train', '--set', 'gamma=2', '--out', path.join(dir, 'y')]);
  expect(r2.stderr).toMatch(/^ala: PolicyConfigError: gamma must be in \[0, 1\], got 2/);
  const r3 = await ala(['train', '--resume', path.join(dir, 'missing')]);
  expect(r3.stderr).toMatch(/^ala: CheckpointError: cannot read checkpoint/);
}, 60_000);

describe('helpers', () => {
  it('parses --set overrides', () => {
    expect(parseOverrides(['learningRate=3e-4', 'hidden=32, 16', 'targetKl=null', 'normAdv=false', 'isMode=exact'])).toEqual({
      learningRate: 3e-4,
      hidden: [32, 16],
      targetKl: null,
      normAdv: false,
      isMode: 'exact',
    });
    expect(() => parseOverrides(['gamma'])).toThrow(CliUsageError);
  });

  it('draws the curve (Vega-Lite SVG) with the threshold rule, episode returns and the mean-100 line', async () => {
    const points = trainCurvePoints(Array.from({ length: 300 }, (_, i) => ({ envStep: i * 100, return: i })));
    expect(points).toHaveLength(300);
    expect(points[99]!.mean).toBeCloseTo(49.5);
    expect(points[299]!.mean).toBeCloseTo(249.5); // episodes 200..299
    const svg = await learningCurveSvg(points, 'T <1>', 475);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('T &lt;1&gt;');
    expect(svg).toContain('solved');
    expect(svg).toContain('mean of last 100');
    expect(svg).toContain('episode return');
  });

  it('thins a long run evenly, keeping the first and last episode, and refuses a useless maxPoints', () => {
    const eps = Array.from({ length: 5000 }, (_, i) => ({ envStep: i, return: i % 7 }));
    const pts = trainCurvePoints(eps, 500);
    expect(pts).toHaveLength(500);
    expect([pts[0]!.step, pts[499]!.step]).toEqual([0, 4999]);
    expect(() => trainCurvePoints(eps, 1)).toThrow(RangeError);
  });
});
