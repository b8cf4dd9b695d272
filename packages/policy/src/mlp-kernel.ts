// The learner's WebAssembly kernel from JavaScript: owns its linear memory (parameters, gradients,
// Adam moments, minibatch and activation scratch) and runs one PPO gradient step of the
// actor-critic MLP as a handful of kernel calls (forward per layer, PPO head, backward per layer,
// clip + Adam). Why: for a 64-64 MLP, TF.js spends more time dispatching ops than computing
// (README "Learner kernel"). Gradients are checked against TF.js and finite differences in
// test/mlp-kernel.test.ts. Must not: know about rollouts, annealing or minibatch order (learner.ts).
import { PolicyConfigError } from './errors';
import { MLP_KERNEL_WASM_BASE64 } from './mlp-kernel-wasm';
import type { UpdateBatch } from './learner-engine';
import { trunkDims, validateSpec, type ActorCriticWeights, type DenseParams, type MlpSpec } from './weights';

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  matmul(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, act: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  colsum(src: number, dst: number, m: number, n: number): void;
  tanhBackward(d: number, h: number, len: number): void;
  ppoHead(...args: number[]): void;
  logProbs(n: number, nA: number, z: number, act: number, legal: number, out: number): void;
  adamStep(p: number, g: number, m: number, v: number, len: number, maxNorm: number, b1: number, b2: number, eps: number, step: number, bc2: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** One minibatch, already gathered: an UpdateBatch's arrays with n rows instead of k. */
export type KernelMinibatch = Omit<UpdateBatch, 'k'> & { readonly n: number };

export interface KernelCoefs {
  readonly clipCoef: number;
  readonly clipVloss: boolean;
  readonly entCoef: number;
  readonly vfCoef: number;
  readonly normAdv: boolean;
}

const PAGE = 65536;
const BASE = PAGE; // the first page is left to the module's own data
let compiled: object | undefined;

function instantiate(): KernelExports {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) throw new PolicyConfigError('WebAssembly is not available: use the TF.js learner engine', 'engine');
  compiled ??= new wasm.Module(Uint8Array.from(Buffer.from(MLP_KERNEL_WASM_BASE64, 'base64')));
  return new wasm.Instance(compiled, {}).exports as KernelExports;
}

/** Byte offsets of one dense layer's parts inside the flat parameter-shaped regions. */
interface LayerAt {
  readonly inDim: number;
  readonly outDim: number;
  /** Float index of W [inDim][outDim] and b [outDim] in a parameter-shaped region. */
  readonly w: number;
  readonly b: number;
}

export class MlpKernel {
  private readonly k: KernelExports;
  readonly spec: MlpSpec;
  private readonly actor: LayerAt[];
  private readonly critic: LayerAt[];
  /** Number of parameters (floats in each of P, G, M, V). */
  readonly size: number;
  private readonly maxWidth: number;
  // Byte offsets of the parameter-shaped regions
  private readonly P: number;
  private readonly G: number;
  private readonly M: number;
  private readonly V: number;
  private readonly scratch: number;
  private rows = 0;
  private at: Record<string, number> = {};
  /** Adam step count. */
  step = 0;

  constructor(weights: ActorCriticWeights) {
    validateSpec(weights.spec);
    this.spec = weights.spec;
    let off = 0;
    const place = (prefix: 'actor' | 'critic', layers: readonly DenseParams[]): LayerAt[] => {
      const dims = trunkDims(this.spec, prefix);
      if (layers.length !== dims.length - 1) throw new PolicyConfigError(`${prefix} has ${layers.length} layers, spec needs ${dims.length - 1}`, prefix);
      return layers.map((l, i) => {
        if (l.inDim !== dims[i] || l.outDim !== dims[i + 1] || l.w.length !== l.inDim * l.outDim || l.b.length !== l.outDim) {
          throw new PolicyConfigError(`${prefix} layer ${i} is ${l.inDim}x${l.outDim}, spec needs ${dims[i]}x${dims[i + 1]}`, prefix);
        }
        const at = { inDim: l.inDim, outDim: l.outDim, w: off, b: off + l.inDim * l.outDim };
        off += l.inDim * l.outDim + l.outDim;
        return at;
      });
    };
    this.actor = place('actor', weights.actor);
    this.critic = place('critic', weights.critic);
    this.size = off;
    this.maxWidth = Math.max(this.spec.obsDim, this.spec.nActions, ...this.spec.hidden);
    const region = Math.ceil((off * 4) / 16) * 16;
    this.P = BASE;
    this.G = this.P + region;
    this.M = this.G + region;
    this.V = this.M + region;
    this.scratch = this.V + region;
    this.k = instantiate();
    this.grow(this.scratch);
    this.assignWeights(weights);
  }

  private grow(bytes: number): void {
    const have = this.k.memory.buffer.byteLength;
    if (bytes > have) this.k.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  private f32(byteOff: number, len: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, byteOff, len);
  }

  /** Scratch regions for up to `rows` samples (laid out again only when rows grows). */
  private ensureRows(rows: number): void {
    if (rows <= this.rows) return;
    const { obsDim, nActions, hidden } = this.spec;
    const w = this.maxWidth;
    let off = this.scratch;
    const at: Record<string, number> = {};
    const take = (name: string, bytes: number): void => {
      at[name] = off;
      off += Math.ceil(bytes / 16) * 16;
    };
    for (const name of ['adv', 'ret', 'vold', 'logpRef', 'isW', 'act', 'dv', 'logp']) take(name, rows * 4);
    take('obs', rows * obsDim * 4);
    take('legal', rows * nActions);
    take('stats', 8 * 8);
    hidden.forEach((h, i) => {
      take(`ah${i}`, rows * h * 4);
      take(`ch${i}`, rows * h * 4);
    });
    take('z', rows * nActions * 4);
    take('v', rows * 4);
    take('dz', rows * nActions * 4);
    take('d0', rows * w * 4);
    take('d1', rows * w * 4);
    take('xT', rows * w * 4);
    take('wT', w * w * 4);
    this.grow(off);
    this.at = at;
    this.rows = rows;
  }

  /** Forward through one trunk; activations stay in the scratch regions. Returns the head's offset. */
  private trunkForward(layers: LayerAt[], trunk: 'a' | 'c', obs: number, n: number): number {
    let x = obs;
    layers.forEach((l, i) => {
      const last = i + 1 === layers.length;
      const y = last ? this.at[trunk === 'a' ? 'z' : 'v']! : this.at[`${trunk}h${i}`]!;
      this.k.matmul(x, this.P + l.w * 4, this.P + l.b * 4, y, n, l.inDim, l.outDim, last ? 0 : 1);
      x = y;
    });
    return x;
  }

  /** Backward through one trunk from dHead [n, headDim]; writes the trunk's gradients into G. */
  private backward(layers: LayerAt[], trunk: 'a' | 'c', obs: number, dHead: number, n: number): void {
    const k = this.k;
    let d = dHead;
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!;
      const x = i === 0 ? obs : this.at[`${trunk}h${i - 1}`]!;
      // dW = xᵀ d; db = Σ_rows d
      k.transpose(x, this.at.xT!, n, l.inDim);
      k.matmul(this.at.xT!, d, 0, this.G + l.w * 4, l.inDim, n, l.outDim, 0);
      k.colsum(d, this.G + l.b * 4, n, l.outDim);
      if (i === 0) break;
      // dx = d Wᵀ, then through tanh: dz_prev = dx (1 − h²)
      const next = d === this.at.d0 ? this.at.d1! : this.at.d0!;
      k.transpose(this.P + l.w * 4, this.at.wT!, l.inDim, l.outDim);
      k.matmul(d, this.at.wT!, 0, next, n, l.outDim, l.inDim, 0);
      k.tanhBackward(next, x, n * l.inDim);
      d = next;
    }
  }

  private putObs(obs: Float32Array, n: number): void {
    this.ensureRows(n);
    if (obs.length < n * this.spec.obsDim) throw new PolicyConfigError(`obs has ${obs.length} values, need ${n * this.spec.obsDim}`, 'obs');
    this.f32(this.at.obs!, n * this.spec.obsDim).set(obs.subarray(0, n * this.spec.obsDim));
  }

  /** Logits [n, nActions] and values [n] of n observations (copies). */
  forward(obs: Float32Array, n: number): { logits: Float32Array; value: Float32Array } {
    this.putObs(obs, n);
    const z = this.forward_(n);
    return { logits: this.f32(z.z, n * this.spec.nActions).slice(), value: this.f32(z.v, n).slice() };
  }

  private forward_(n: number): { z: number; v: number } {
    return { z: this.trunkForward(this.actor, 'a', this.at.obs!, n), v: this.trunkForward(this.critic, 'c', this.at.obs!, n) };
  }

  /** log π(a_i | obs_i) of n samples (legal as in KernelMinibatch). */
  logProbs(obs: Float32Array, actions: Int32Array, legal: Uint8Array | undefined, n: number): Float32Array {
    this.putObs(obs, n);
    const z = this.trunkForward(this.actor, 'a', this.at.obs!, n);
    new Int32Array(this.k.memory.buffer, this.at.act!, n).set(actions.subarray(0, n));
    if (legal) new Uint8Array(this.k.memory.buffer, this.at.legal!, n * this.spec.nActions).set(legal.subarray(0, n * this.spec.nActions));
    this.k.logProbs(n, this.spec.nActions, z, this.at.act!, legal ? this.at.legal! : 0, this.at.logp!);
    return this.f32(this.at.logp!, n).slice();
  }

  /** PPO loss of a minibatch and its gradients (into the kernel's G). Returns the 7 LOSS_STATS. */
  lossAndGrads(mb: KernelMinibatch, c: KernelCoefs): Float64Array {
    const { n } = mb;
    const nA = this.spec.nActions;
    this.putObs(mb.obs, n);
    const buf = this.k.memory.buffer;
    const at = this.at;
    for (const [name, col] of [
      ['adv', mb.advantages],
      ['ret', mb.returns],
      ['vold', mb.values],
      ['logpRef', mb.logpRef],
      ['isW', mb.isWeight],
    ] as const) {
      new Float32Array(buf, at[name]!, n).set(col.subarray(0, n));
    }
    new Int32Array(buf, at.act!, n).set(mb.actions.subarray(0, n));
    if (mb.legal) new Uint8Array(buf, at.legal!, n * nA).set(mb.legal.subarray(0, n * nA));
    const { z, v } = this.forward_(n);
    this.k.ppoHead(
      n,
      nA,
      z,
      v,
      at.act!,
      at.adv!,
      at.ret!,
      at.vold!,
      at.logpRef!,
      at.isW!,
      mb.legal ? at.legal! : 0,
      c.normAdv ? 1 : 0,
      c.clipCoef,
      c.clipVloss ? 1 : 0,
      c.entCoef,
      c.vfCoef,
      at.dz!,
      at.dv!,
      at.stats!,
    );
    this.backward(this.actor, 'a', at.obs!, at.dz!, n);
    this.backward(this.critic, 'c', at.obs!, at.dv!, n);
    return new Float64Array(buf, at.stats!, 7).slice();
  }

  /** Clip the gradients in G to maxGradNorm (global norm) and take one Adam step. Returns ‖g‖. */
  adamStep(learningRate: number, maxGradNorm: number, beta1: number, beta2: number, eps: number): number {
    this.step += 1;
    const bc1 = 1 - beta1 ** this.step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.step);
    return this.k.adamStep(this.P, this.G, this.M, this.V, this.size, maxGradNorm, beta1, beta2, eps, learningRate / bc1, bc2Sqrt);
  }

  /** A parameter-shaped region as per-variable copies, in TfActorCritic.variables() order. */
  private split(region: number): Float32Array[] {
    return [...this.actor, ...this.critic].flatMap((l) => [
      this.f32(region + l.w * 4, l.inDim * l.outDim).slice(),
      this.f32(region + l.b * 4, l.outDim).slice(),
    ]);
  }

  private join(region: number, parts: readonly Float32Array[]): void {
    [...this.actor, ...this.critic]
      .flatMap((l) => [
        [l.w, l.inDim * l.outDim],
        [l.b, l.outDim],
      ])
      .forEach(([off, len], i) => this.f32(region + off! * 4, len!).set(parts[i]!));
  }

  /** Gradients of the last lossAndGrads, per variable (tests compare them with TF.js). */
  grads(): Float32Array[] {
    return this.split(this.G);
  }

  /** Number of variables (W and b per layer). */
  get variableCount(): number {
    return 2 * (this.actor.length + this.critic.length);
  }

  /** Variable sizes in order. */
  variableSizes(): number[] {
    return [...this.actor, ...this.critic].flatMap((l) => [l.inDim * l.outDim, l.outDim]);
  }

  readWeights(): ActorCriticWeights {
    const parts = this.split(this.P);
    const read = (layers: LayerAt[], first: number): DenseParams[] =>
      layers.map((l, i) => ({ inDim: l.inDim, outDim: l.outDim, w: parts[first + 2 * i]!, b: parts[first + 2 * i + 1]! }));
    return { spec: this.spec, actor: read(this.actor, 0), critic: read(this.critic, 2 * this.actor.length) };
  }

  /** Overwrite the weights; shapes are checked first (PolicyConfigError) so a mismatch changes nothing. */
  assignWeights(weights: ActorCriticWeights): void {
    const s = weights.spec;
    if (s.obsDim !== this.spec.obsDim || s.nActions !== this.spec.nActions || s.hidden.join(',') !== this.spec.hidden.join(',')) {
      throw new PolicyConfigError('weights do not match the kernel spec', 'weights');
    }
    const layers = [...weights.actor, ...weights.critic];
    const want = [...this.actor, ...this.critic];
    if (layers.length !== want.length || layers.some((l, i) => l.w.length !== want[i]!.inDim * want[i]!.outDim || l.b.length !== want[i]!.outDim)) {
      throw new PolicyConfigError('weight shapes do not match the kernel spec', 'weights');
    }
    this.join(
      this.P,
      layers.flatMap((l) => [Float32Array.from(l.w), Float32Array.from(l.b)]),
    );
  }

  /** Adam moments per variable (copies). */
  moments(): { m: Float32Array[]; v: Float32Array[] } {
    return { m: this.split(this.M), v: this.split(this.V) };
  }

  /** Overwrite the Adam moments (per variable, sizes as variableSizes()). */
  setMoments(m: readonly Float32Array[], v: readonly Float32Array[]): void {
    this.join(this.M, m);
    this.join(this.V, v);
  }
}
