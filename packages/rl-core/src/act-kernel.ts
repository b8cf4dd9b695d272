// The WebAssembly side of actBatch: the same sampling as the JavaScript path (act-batch.ts),
// two f64 lanes at a time (WebAssembly SIMD) and without the per-access checks V8 puts around
// typed arrays, ~1.7x faster on the actor's batch (packages/rl-core/README.md). The module is
// compiled from ../assembly/act-kernel.ts (AssemblyScript) and embedded as base64, so nothing is
// read from disk. This file owns the kernel's linear memory: inputs are copied in, outputs out.
// Must not: write `out` or draw from the generator unless the whole batch succeeds; be used with
// a KL budget (the JavaScript path searches the scale); allocate per call after the first call
// with a given shape.
import type { ActBatchInput } from './act-batch';
import { ACT_KERNEL_WASM_BASE64 } from './act-kernel-wasm';

/** runKernel results. */
export const KERNEL_DONE = 0;
/** Some logit, bias entry or mask is invalid: nothing was written; the caller validates to name it. */
export const KERNEL_INVALID = 1;
/** Not handled here (no WebAssembly SIMD, or |β·b| too large for the fast path): nothing was written. */
export const KERNEL_SKIPPED = 2;

/** The parts of the WebAssembly global used here (lib "dom" is not in this project's types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  layout(
    tab: number,
    z: number,
    b: number,
    mask: number,
    rowf: number,
    ms: number,
    mw: number,
    u: number,
    rmax: number,
    e: number,
    act: number,
    mu: number,
    pk: number,
    taken: number,
    kl: number,
  ): void;
  scan(nAg: number, nA: number, masked: number, beta: number, big: number): number;
  act(nAg: number, nA: number, masked: number, beta: number): void;
}

/** Views on the kernel's memory for one (nAgents, nActions) shape. */
interface Layout {
  nAg: number;
  nA: number;
  z: Float64Array;
  b: Float64Array;
  mask: Uint8Array;
  rowf: Uint8Array;
  u: Float64Array;
  act: Int32Array;
  mu: Float64Array;
  pk: Float64Array;
  taken: Float64Array;
  kl: Float64Array;
}

const PAGE = 65536;
/** Regions start at the second page: the module's own constants (exp/log tables) live in the first. */
const BASE = PAGE;
/** |β·b| above which the caller's exact path is taken (as act-batch.ts BIG). */
const BIG = 300;

let kernel: KernelExports | null | undefined; // undefined: not tried yet; null: unavailable
let current: Layout | undefined;

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The instantiated kernel, or null where WebAssembly (with SIMD) is not available. */
function load(): KernelExports | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined || typeof atob !== 'function') return kernel;
  try {
    const module = new wasm.Module(decodeBase64(ACT_KERNEL_WASM_BASE64));
    kernel = new wasm.Instance(module, {}).exports as KernelExports;
  } catch {
    kernel = null; // e.g. an engine without SIMD: the JavaScript path is used
  }
  return kernel;
}

/** True when actBatch runs on the WebAssembly kernel in this process. */
export function actKernelAvailable(): boolean {
  return load() !== null;
}

/** Lays the regions out for nAg agents × nA actions (growing memory if needed); resets the memo. */
function layoutFor(k: KernelExports, nAg: number, nA: number): Layout | undefined {
  const total = nAg * nA;
  let at = BASE;
  const region = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 16) * 16;
    return start;
  };
  const tab = region(64 * 8);
  const z = region(8 * total);
  const b = region(8 * total);
  const mask = region(total);
  const rowf = region(nAg);
  const ms = region(8 * total);
  const mw = region(8 * total);
  const u = region(8 * nAg);
  const rmax = region(8 * nAg);
  const e = region(8 * (nA + 1));
  const act = region(4 * nAg);
  const mu = region(8 * nAg);
  const pk = region(8 * nAg);
  const taken = region(8 * nAg);
  const kl = region(8 * nAg);
  const have = k.memory.buffer.byteLength;
  if (at > have) {
    try {
      k.memory.grow(Math.ceil((at - have) / PAGE));
    } catch {
      return undefined; // no memory for this shape: the JavaScript path takes it
    }
  }
  const buf = k.memory.buffer;
  const table = new Float64Array(buf, tab, 64);
  for (let j = 0; j < 64; j++) table[j] = Math.pow(2, j / 64);
  new Float64Array(buf, ms, total).fill(Number.NaN); // NaN never equals a key: every entry is computed first
  k.layout(tab, z, b, mask, rowf, ms, mw, u, rmax, e, act, mu, pk, taken, kl);
  return {
    nAg,
    nA,
    z: new Float64Array(buf, z, total),
    b: new Float64Array(buf, b, total),
    mask: new Uint8Array(buf, mask, total),
    rowf: new Uint8Array(buf, rowf, nAg),
    u: new Float64Array(buf, u, nAg),
    act: new Int32Array(buf, act, nAg),
    mu: new Float64Array(buf, mu, nAg),
    pk: new Float64Array(buf, pk, nAg),
    taken: new Float64Array(buf, taken, nAg),
    kl: new Float64Array(buf, kl, nAg),
  };
}

/**
 * actBatch on the kernel, for input whose shapes the caller has checked (and without klBudget).
 * Returns KERNEL_DONE (out written, one uniform drawn per agent), or KERNEL_INVALID /
 * KERNEL_SKIPPED with nothing written and the generator untouched.
 */
export function runKernel(x: ActBatchInput): number {
  const k = load();
  if (k === null) return KERNEL_SKIPPED;
  const { nAgents: nAg, nActions: nA, bias, mask, biasActive, beta, out } = x;
  let l = current;
  if (l === undefined || l.nAg !== nAg || l.nA !== nA) {
    l = current = layoutFor(k, nAg, nA);
    if (l === undefined) return KERNEL_SKIPPED;
  }
  l.z.set(x.logits);
  let biasedRows = 0;
  for (let i = 0; i < nAg; i++) {
    const biased = bias !== undefined && beta !== 0 && (biasActive === undefined || !!biasActive[i]);
    l.rowf[i] = biased ? 1 : 0;
    if (biased) biasedRows++;
  }
  if (biasedRows > 0) l.b.set(bias as ArrayLike<number>);
  if (mask !== undefined) {
    if (mask instanceof Uint8Array) l.mask.set(mask);
    else for (let j = 0; j < l.mask.length; j++) l.mask[j] = mask[j] ? 1 : 0;
  }
  const masked = mask === undefined ? 0 : 1;
  const status = k.scan(nAg, nA, masked, beta, BIG);
  if (status === 1) return KERNEL_INVALID;
  if (status !== 0) return KERNEL_SKIPPED;
  const { rng } = x;
  for (let i = 0; i < nAg; i++) l.u[i] = rng.nextFloat();
  k.act(nAg, nA, masked, beta);
  // Element loops, not TypedArray.set: for 20 entries the runtime call of set costs more.
  const { act, mu, pk, taken, kl, rowf } = l;
  const { action, logpMu, logpPk, biasTaken, kl: outKl, biasScale } = out;
  for (let i = 0; i < nAg; i++) {
    action[i] = act[i] as number;
    logpMu[i] = mu[i] as number;
    logpPk[i] = pk[i] as number;
    biasTaken[i] = taken[i] as number;
  }
  if (outKl !== undefined) for (let i = 0; i < nAg; i++) outKl[i] = kl[i] as number;
  if (biasScale !== undefined) for (let i = 0; i < nAg; i++) biasScale[i] = rowf[i] as number;
  return KERNEL_DONE;
}
