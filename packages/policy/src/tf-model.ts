// The actor-critic MLP as TF.js variables (what the learner differentiates). Forward only:
// separate actor and critic trunks, tanh hidden layers, linear heads (CleanRL ppo.py Agent).
// Must not: own an optimizer or know about PPO; it converts to/from plain ActorCriticWeights.
import * as tf from '@tensorflow/tfjs';
import { PolicyConfigError } from './errors';
import { trunkDims, validateSpec, type ActorCriticWeights, type DenseParams, type MlpSpec } from './weights';

// Dense layers with hand-written gradients. Why: on the wasm backend, TF.js's own MatMul gradient
// uses transposed BatchMatMul (~8x slower than an explicit transpose + plain matmul) and Tanh is
// scalar (~4x slower than sigmoid); tanh(z) = 2 sigmoid(2z) - 1 (abs error ~1e-7 in float32).
// d/dz tanh(z) = 1 - tanh(z)^2.
const denseTanh = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  const z = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
  const h = tf.sub(tf.mul(tf.sigmoid(tf.mul(z, 2)), 2), 1);
  save([x, w, h]);
  return {
    value: h,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws, hs] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const dz = tf.mul(dy, tf.sub(1, tf.square(hs))) as tf.Tensor2D;
      return [tf.matMul(dz, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dz), tf.sum(dz, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const denseLinear = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dz = dy as tf.Tensor2D;
      return [tf.matMul(dz, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dz), tf.sum(dz, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

interface DenseVars {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

/** TF.js actor-critic. Create from weights; call `dispose()` when done. */
export class TfActorCritic {
  private readonly actor: DenseVars[];
  private readonly critic: DenseVars[];

  constructor(weights: ActorCriticWeights) {
    validateSpec(weights.spec);
    this.spec = weights.spec;
    this.actor = TfActorCritic.makeVars('actor', weights.spec, weights.actor);
    this.critic = TfActorCritic.makeVars('critic', weights.spec, weights.critic);
  }

  readonly spec: MlpSpec;

  private static makeVars(prefix: 'actor' | 'critic', spec: MlpSpec, layers: readonly DenseParams[]): DenseVars[] {
    const dims = trunkDims(spec, prefix);
    if (layers.length !== dims.length - 1) {
      throw new PolicyConfigError(`${prefix} has ${layers.length} layers, spec needs ${dims.length - 1}`, prefix);
    }
    return layers.map((l, i) => {
      if (l.inDim !== dims[i] || l.outDim !== dims[i + 1] || l.w.length !== l.inDim * l.outDim || l.b.length !== l.outDim) {
        throw new PolicyConfigError(`${prefix} layer ${i} is ${l.inDim}x${l.outDim}, spec needs ${dims[i]}x${dims[i + 1]}`, prefix);
      }
      return {
        w: tf.variable(tf.tensor2d(l.w, [l.inDim, l.outDim]), true),
        b: tf.variable(tf.tensor1d(l.b), true),
      };
    });
  }

  private static run(layers: readonly DenseVars[], x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    layers.forEach((l, i) => {
      h = (i + 1 < layers.length ? denseTanh : denseLinear)(h, l.w, l.b);
    });
    return h;
  }

  /** Action logits z(s): [batch, nActions]. Call inside tf.tidy. */
  logits(obs: tf.Tensor2D): tf.Tensor2D {
    return TfActorCritic.run(this.actor, obs);
  }

  /** State values V(s): [batch]. Call inside tf.tidy. */
  value(obs: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(TfActorCritic.run(this.critic, obs), [-1]);
  }

  /** Trainable variables in a fixed order (actor layers then critic layers, w then b). */
  variables(): tf.Variable[] {
    return [...this.actor, ...this.critic].flatMap((l) => [l.w as tf.Variable, l.b as tf.Variable]);
  }

  /** Copy the current weights out as plain arrays. */
  readWeights(): ActorCriticWeights {
    const read = (vs: DenseVars[]): DenseParams[] =>
      vs.map((v) => ({ inDim: v.w.shape[0], outDim: v.w.shape[1], w: v.w.dataSync() as Float32Array, b: v.b.dataSync() as Float32Array }));
    return { spec: this.spec, actor: read(this.actor), critic: read(this.critic) };
  }

  /** Overwrite the weights (shapes must match the spec). */
  assignWeights(weights: ActorCriticWeights): void {
    const check = new TfActorCritic(weights); // validates shapes; its variables are then copied
    try {
      const src = check.variables();
      this.variables().forEach((v, i) => v.assign(src[i]!));
    } finally {
      check.dispose();
    }
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
