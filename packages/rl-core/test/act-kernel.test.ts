import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createRng, InvalidValueError, NoLegalActionError, randn, type ActBatchInput, type ActBatchOutput, type Rng } from '@ala/rl-core';
import { actBatch, actBatchJs } from '../src/act-batch';
import { actKernelAvailable } from '../src/act-kernel';

// actBatch runs on the WebAssembly kernel; actBatchJs is the JavaScript path it must agree with:
// same actions and generator use, log-probabilities and KL within 1e-12 (the kernel's exp differs
// from the JavaScript one in the last bits; below e^-708 of the row maximum it is 0).

type Logits = number[] | Float32Array | Float64Array;

function outputs(n: number, f32 = false): Required<ActBatchOutput> {
  const V = f32 ? Float32Array : Float64Array;
  return { action: new Int32Array(n), logpMu: new V(n), logpPk: new V(n), biasTaken: new V(n), kl: new V(n), biasScale: new V(n) };
}

interface Case {
  nAgents: number;
  nActions: number;
  logits: Logits;
  bias?: Float32Array | Float64Array;
  mask?: Uint8Array | boolean[];
  biasActive?: Uint8Array;
  beta: number;
}

/** A random case from seed: odd and even action counts, masks, -Infinity logits (with and without a mask), partial advice. */
function randomCase(seed: number): Case {
  const r = createRng(seed);
  const nAgents = 1 + Math.floor(r.nextFloat() * 24);
  const nActions = 1 + Math.floor(r.nextFloat() * 21);
  const total = nAgents * nActions;
  const scale = [0.1, 2, 30][seed % 3]!;
  const f = new Float64Array(total);
  for (let j = 0; j < total; j++) f[j] = scale * randn(r);
  const kind = seed % 4;
  const logits: Logits = kind === 0 ? Array.from(f) : kind === 1 ? Float32Array.from(f) : f;
  const c: Case = { nAgents, nActions, logits, beta: [0.5, 1, 0, -0.7][seed % 4]! };
  if (seed % 5 !== 0) {
    const b = (seed % 2 === 0 ? new Float32Array(total) : new Float64Array(total)).map(() => (r.nextFloat() < 0.3 ? 0 : 2 * randn(r)));
    c.bias = b;
  }
  if (seed % 3 === 0) {
    const m = Array.from({ length: total }, () => r.nextFloat() < 0.8);
    for (let i = 0; i < nAgents; i++) m[i * nActions + Math.floor(r.nextFloat() * nActions)] = true; // at least one legal
    c.mask = seed % 2 === 0 ? m : Uint8Array.from(m, (x) => (x ? 1 : 0));
    if (seed % 6 === 0 && nActions > 1) for (let i = 0; i < nAgents; i++) if (m[i * nActions]) (c.logits as Logits)[i * nActions] = -Infinity;
    // keep a finite legal entry in every row
    for (let i = 0; i < nAgents; i++) {
      let ok = false;
      for (let a = 0; a < nActions; a++) ok ||= m[i * nActions + a]! && Number.isFinite(c.logits[i * nActions + a]!);
      if (!ok) {
        for (let a = 0; a < nActions; a++) if (m[i * nActions + a]) c.logits[i * nActions + a] = 0;
      }
    }
  }
  if (seed % 8 === 1 && c.mask === undefined && nActions > 1) {
    for (let i = 0; i < nAgents; i++) c.logits[i * nActions + nActions - 1] = -Infinity; // -Infinity = masked without a mask
  }
  if (seed % 7 === 0) c.biasActive = Uint8Array.from({ length: nAgents }, () => (r.nextFloat() < 0.5 ? 1 : 0));
  return c;
}

function run(fn: (x: ActBatchInput) => ActBatchOutput, c: Case, rng: Rng, f32 = false): Required<ActBatchOutput> {
  const out = outputs(c.nAgents, f32);
  fn({ ...c, rng, out });
  return out;
}

function expectAgree(k: Required<ActBatchOutput>, j: Required<ActBatchOutput>, what: string): void {
  expect({ what, action: Array.from(k.action) }).toEqual({ what, action: Array.from(j.action) });
  for (const key of ['logpMu', 'logpPk', 'biasTaken', 'kl', 'biasScale'] as const) {
    for (let i = 0; i < k.action.length; i++) {
      const a = k[key][i]!;
      const b = j[key][i]!;
      if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(b))) throw new Error(`${what}: ${key}[${i}] kernel ${a} vs JavaScript ${b}`);
    }
  }
}

describe('actBatch on the WebAssembly kernel', () => {
  it('is what runs under Node (the JavaScript fallback is not silently taken)', () => {
    expect(actKernelAvailable()).toBe(true);
  });

  it('agrees with the JavaScript path on 300 random cases (shapes, masks, partial advice, input types)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const c = randomCase(seed);
      const rk = createRng(seed * 7);
      const rj = createRng(seed * 7);
      expectAgree(run(actBatch, c, rk), run(actBatchJs, c, rj), `case ${seed}`);
      expect(rk.nextUint32()).toBe(rj.nextUint32()); // one draw per agent on both
    }
  });

  it('agrees over many steps while the bias changes and the shape alternates (memo refresh, re-layout)', () => {
    const a = randomCase(11);
    const b = randomCase(12);
    const rk = createRng(5);
    const rj = createRng(5);
    for (let step = 0; step < 60; step++) {
      const c = step % 10 < 7 ? a : b;
      if (c.bias !== undefined && step % 3 === 0) c.bias[step % c.bias.length] = 0.1 * step; // new advice for one entry
      const j = step % c.logits.length;
      if (Number.isFinite(c.logits[j])) c.logits[j] = (c.logits[j]! + 0.5) % 4; // the policy moved
      expectAgree(run(actBatch, c, rk, step % 2 === 0), run(actBatchJs, c, rj, step % 2 === 0), `step ${step}`);
    }
  });

  it('samples μ: empirical frequencies match softmax(z + βb)', () => {
    const logits = new Float32Array([0.2, -1, 1.5, 0, 0.7]);
    const bias = new Float32Array([0, 2, -1, 0.5, 0]);
    const beta = 0.8;
    const mu = Array.from(logits, (z, a) => Math.exp(z + beta * bias[a]!));
    const s = mu.reduce((x, y) => x + y, 0);
    const counts = new Array<number>(5).fill(0);
    const rng = createRng(3);
    const out = outputs(1);
    const draws = 40000;
    for (let k = 0; k < draws; k++) counts[actBatch({ logits, bias, beta, nAgents: 1, nActions: 5, rng, out }).action[0]!]! += 1;
    for (let a = 0; a < 5; a++) {
      const p = mu[a]! / s;
      expect(Math.abs(counts[a]! / draws - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws) + 1e-3);
    }
  });

  it('refuses bad input with the JavaScript errors, writing nothing and drawing nothing', () => {
    const base = { nAgents: 2, nActions: 3, beta: 1, logits: new Float32Array([0, 1, 2, 3, 4, 5]), bias: new Float32Array(6) };
    const cases: [Partial<ActBatchInput>, new (...a: never[]) => Error][] = [
      [{ logits: new Float32Array([0, 1, 2, 3, Number.NaN, 5]) }, InvalidValueError],
      [{ logits: new Float32Array([0, 1, Infinity, 3, 4, 5]) }, InvalidValueError],
      [{ bias: new Float32Array([0, 0, 0, 0, Number.NaN, 0]) }, InvalidValueError],
      [{ bias: new Float32Array([0, -Infinity, 0, 0, 0, 0]) }, InvalidValueError],
      [{ mask: [1, 1, 1, 0, 0, 0] }, NoLegalActionError],
      [{ logits: new Float32Array([0, 1, 2, -Infinity, -Infinity, -Infinity]) }, NoLegalActionError],
    ];
    for (const [patch, err] of cases) {
      const rng = createRng(9);
      const out = outputs(2);
      out.logpMu.fill(7);
      expect(() => actBatch({ ...base, ...patch, rng, out })).toThrow(err);
      expect(Array.from(out.logpMu)).toEqual([7, 7]);
      expect(rng.nextUint32()).toBe(createRng(9).nextUint32());
    }
  });

  it('leaves rows without advice unread: a NaN bias row of an inactive agent is fine', () => {
    const c = {
      nAgents: 2,
      nActions: 2,
      beta: 1,
      logits: new Float32Array([0, 1, 1, 0]),
      bias: new Float32Array([Number.NaN, 0, 1, 0]),
      biasActive: new Uint8Array([0, 1]),
    };
    expectAgree(run(actBatch, c, createRng(1)), run(actBatchJs, c, createRng(1)), 'inactive NaN row');
  });

  it('hands |β·b| beyond the fast range to the exact JavaScript path', () => {
    const c = { nAgents: 1, nActions: 4, beta: 1, logits: new Float32Array([0, -800, 5, 1]), bias: new Float64Array([-400, 900, 0, 0]) };
    expectAgree(run(actBatch, c, createRng(2)), run(actBatchJs, c, createRng(2)), 'huge bias');
    expect(run(actBatch, c, createRng(2)).action[0]).toBe(1); // exp(100) dominates; needs the exact path
  });

  it('is the module compiled from packages/rl-core/assembly/act-kernel.ts (npm run build:wasm)', () => {
    const root = join(__dirname, '..', '..', '..');
    expect(() => execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
