// Acting for the serial trainer (`ala train`): one batched ONNX Runtime call for all agents, then
// @ala/rl-core actBatch adds the bias, samples from μ = softmax(z + βb) and records logp_mu,
// logp_pk and β·b[a]; a new policy is swapped in between steps with setPolicy(). The
// actor-runner service does not use it: its acting.ts adds the live bias table, the KL budget
// and snapshots around the same actBatch.
// Must not: learn, export, or wait for advice (a missing bias means the unbiased policy).
import { actBatch, type ActBatchOutput, type Rng } from '@ala/rl-core';
import { OnnxError } from './errors';
import type { OrtPolicy } from './ort-policy';

/** Optional advice for one act() call; rows of agents without a live bias are ignored. */
export interface ActAdvice {
  /** Bias b, [nAgents][nActions]. */
  readonly bias: ArrayLike<number>;
  /** 1 where agent i has a live bias, [nAgents]. */
  readonly active: ArrayLike<number>;
}

/** Result of one step for all agents. Buffers are reused: copy what you keep past the next act(). */
export interface ActResult {
  readonly actions: Int32Array;
  /** log μ(a|s) with the applied bias. */
  readonly logpMu: Float64Array;
  /** log π_k(a|s) without bias. */
  readonly logpPk: Float64Array;
  /** β·b[a] applied to the taken action (0 when unbiased). */
  readonly biasTaken: Float64Array;
  /** V(s) per agent. */
  readonly values: Float32Array;
  /** Logits z, [nAgents][nActions]. */
  readonly logits: Float32Array;
  /** Version of the policy that produced them. */
  readonly policyVersion: number;
}

export class Actor {
  private policy: OrtPolicy;
  private readonly out: ActBatchOutput;

  constructor(
    policy: OrtPolicy,
    /** Agents per act() call. */
    readonly nAgents: number,
    /** Bias strength β of μ = softmax(z + βb). */
    readonly beta: number,
    private readonly rng: Rng,
  ) {
    this.policy = policy;
    this.out = { action: new Int32Array(nAgents), logpMu: new Float64Array(nAgents), logpPk: new Float64Array(nAgents), biasTaken: new Float64Array(nAgents) };
  }

  /** The policy in use. */
  get current(): OrtPolicy {
    return this.policy;
  }

  /** Swap to a new policy (call between steps); returns the previous one for the caller to release. */
  setPolicy(next: OrtPolicy): OrtPolicy {
    if (next.obsDim !== this.policy.obsDim || next.nActions !== this.policy.nActions) {
      throw new OnnxError(`new policy is ${next.obsDim}->${next.nActions}, actor needs ${this.policy.obsDim}->${this.policy.nActions}`, 'session');
    }
    const prev = this.policy;
    this.policy = next;
    return prev;
  }

  /** One step for all agents: obs [nAgents][obsDim]; mask [nAgents][nActions] (1 = legal) optional. */
  async act(obs: Float32Array, advice?: ActAdvice, mask?: ArrayLike<number>): Promise<ActResult> {
    const policy = this.policy;
    const { logits, value } = await policy.run(obs, this.nAgents);
    actBatch({
      logits,
      bias: advice?.bias,
      biasActive: advice?.active,
      beta: this.beta,
      mask,
      nAgents: this.nAgents,
      nActions: policy.nActions,
      rng: this.rng,
      out: this.out,
    });
    return {
      actions: this.out.action,
      logpMu: this.out.logpMu as Float64Array,
      logpPk: this.out.logpPk as Float64Array,
      biasTaken: this.out.biasTaken as Float64Array,
      values: value,
      logits,
      policyVersion: policy.policyVersion,
    };
  }

  /** V(s) for `batch` observations (e.g. final observations of truncated episodes). */
  async values(obs: Float32Array, batch: number): Promise<Float32Array> {
    return (await this.policy.run(obs, batch)).value;
  }
}
