// The Learner's default engine: the WebAssembly MLP kernel (mlp-kernel.ts). Gathers each
// minibatch's rows into reusable arrays, runs loss + gradients + clipped Adam in the kernel.
// Must not: differ from the TF.js engine (tf-engine.ts) beyond float rounding; the parity tests in
// test/mlp-kernel.test.ts hold it to that.
import type { AdamState } from './adam';
import { CheckpointError } from './errors';
import { ADAM_BETAS, type LearnerEngine, type StepCoefs, type UpdateBatch } from './learner-engine';
import { MlpKernel, type KernelMinibatch } from './mlp-kernel';
import type { ActorCriticWeights } from './weights';

type Cols = { -readonly [K in keyof KernelMinibatch]: KernelMinibatch[K] };

export class KernelEngine implements LearnerEngine {
  readonly name = 'kernel';
  private readonly kernel: MlpKernel;
  private batch: UpdateBatch | undefined;
  private mb: Cols | undefined;

  constructor(
    weights: ActorCriticWeights,
    private readonly adamEps: number,
  ) {
    this.kernel = new MlpKernel(weights);
  }

  get spec(): ActorCriticWeights['spec'] {
    return this.kernel.spec;
  }

  logProbs(obs: Float32Array, actions: Int32Array, legal: Uint8Array | undefined, n: number): Float32Array {
    return this.kernel.logProbs(obs, actions, legal, n);
  }

  beginUpdate(b: UpdateBatch): void {
    this.batch = b;
  }

  step(mbInds: Int32Array, c: StepCoefs): ArrayLike<number> {
    const b = this.batch!;
    const n = mbInds.length;
    const { obsDim, nActions } = this.kernel.spec;
    if (this.mb === undefined || this.mb.actions.length < n || (b.legal !== undefined && this.mb.legal === undefined)) {
      const f = (len: number): Float32Array => new Float32Array(len);
      this.mb = {
        n,
        obs: f(n * obsDim),
        actions: new Int32Array(n),
        legal: new Uint8Array(n * nActions),
        advantages: f(n),
        returns: f(n),
        values: f(n),
        logpRef: f(n),
        isWeight: f(n),
      };
    }
    const mb = this.mb;
    for (let j = 0; j < n; j++) {
      const i = mbInds[j]!;
      for (let d = 0; d < obsDim; d++) mb.obs[j * obsDim + d] = b.obs[i * obsDim + d]!;
      if (b.legal) for (let a = 0; a < nActions; a++) mb.legal![j * nActions + a] = b.legal[i * nActions + a]!;
      mb.actions[j] = b.actions[i]!;
      mb.advantages[j] = b.advantages[i]!;
      mb.returns[j] = b.returns[i]!;
      mb.values[j] = b.values[i]!;
      mb.logpRef[j] = b.logpRef[i]!;
      mb.isWeight[j] = b.isWeight[i]!;
    }
    const stats = this.kernel.lossAndGrads({ ...mb, n, legal: b.legal ? mb.legal : undefined }, c);
    const gradNorm = this.kernel.adamStep(c.learningRate, c.maxGradNorm, ADAM_BETAS[0], ADAM_BETAS[1], this.adamEps);
    const out = new Float64Array(stats.length + 1);
    out.set(stats);
    out[stats.length] = gradNorm;
    return out;
  }

  endUpdate(): void {
    this.batch = undefined;
  }

  readWeights(): ActorCriticWeights {
    return this.kernel.readWeights();
  }

  assignWeights(w: ActorCriticWeights): void {
    this.kernel.assignWeights(w);
  }

  getAdamState(): AdamState {
    return { step: this.kernel.step, ...this.kernel.moments() };
  }

  setAdamState(s: AdamState, source: string): void {
    const sizes = this.kernel.variableSizes();
    if (!Number.isInteger(s.step) || s.step < 0 || s.m.length !== sizes.length || s.v.length !== sizes.length) {
      throw new CheckpointError(`adam state has ${s.m.length}/${s.v.length} moments and step ${s.step}; expected ${sizes.length}`, source);
    }
    sizes.forEach((len, i) => {
      if (s.m[i]!.length !== len || s.v[i]!.length !== len) throw new CheckpointError(`adam moment ${i} has the wrong size`, source);
    });
    this.kernel.setMoments(s.m, s.v);
    this.kernel.step = s.step;
  }

  dispose(): void {
    this.batch = undefined;
  }
}
