// ONNX Runtime inference for the exported actor-critic: all agents in one batched session.run.
// Must not: sample actions or touch advice (that is Actor's job); it only maps obs -> logits, value.
import * as ort from 'onnxruntime-node';
import { OnnxError } from './errors';
import { ONNX_IO } from './onnx-export';

/** Output of one batched forward pass, row-major. */
export interface PolicyOutput {
  /** [batch][nActions] action logits z. */
  readonly logits: Float32Array;
  /** [batch] state values V(s). */
  readonly value: Float32Array;
}

/**
 * A loaded ONNX policy. Create with `OrtPolicy.create(bytes)`; `release()` when swapped out.
 * `share()` gives another handle on the same session (e.g. several actors of one process acting
 * with the same version); the session is freed when the last handle is released.
 */
export class OrtPolicy {
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly obsDim: number,
    readonly nActions: number,
    /** Policy version the model was exported with (metadata `ala.policy_version`), or 0. */
    readonly policyVersion: number,
    /** Handles not yet released on this session (shared by every handle). */
    private readonly handles: { count: number } = { count: 1 },
  ) {}

  /** Another handle on the same native session; each handle is released on its own. */
  share(): OrtPolicy {
    if (this.released) throw new OnnxError('cannot share a released policy', 'session');
    this.handles.count += 1;
    return new OrtPolicy(this.session, this.obsDim, this.nActions, this.policyVersion, this.handles);
  }

  /** Build a session from model bytes (single intra-op thread: actors batch, not parallelise). */
  static async create(modelBytes: Uint8Array, opts: { obsDim: number; nActions: number; policyVersion?: number }): Promise<OrtPolicy> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelBytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new OnnxError(`ONNX Runtime refused the model: ${(err as Error).message}`, 'session', { cause: err });
    }
    const names = [...session.inputNames, '|', ...session.outputNames].join(',');
    if (names !== `${ONNX_IO.input},|,${ONNX_IO.logits},${ONNX_IO.value}`) {
      await session.release();
      throw new OnnxError(`model has inputs/outputs [${names}], expected obs | logits,value`, 'session');
    }
    return new OrtPolicy(session, opts.obsDim, opts.nActions, opts.policyVersion ?? 0);
  }

  /** Forward `batch` observations (row-major [batch][obsDim]) in one call. */
  async run(obs: Float32Array, batch: number): Promise<PolicyOutput> {
    if (this.released) throw new OnnxError('run on a released policy', 'run');
    if (!Number.isInteger(batch) || batch <= 0 || obs.length !== batch * this.obsDim) {
      throw new OnnxError(`obs length ${obs.length} is not batch ${batch} x obsDim ${this.obsDim}`, 'run');
    }
    const feeds = { [ONNX_IO.input]: new ort.Tensor('float32', obs, [batch, this.obsDim]) };
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds);
    } catch (err) {
      throw new OnnxError(`session.run failed: ${(err as Error).message}`, 'run', { cause: err });
    }
    const logits = out[ONNX_IO.logits]?.data;
    const value = out[ONNX_IO.value]?.data;
    if (!(logits instanceof Float32Array) || !(value instanceof Float32Array)) {
      throw new OnnxError('session.run returned no float32 logits/value', 'run');
    }
    return { logits, value };
  }

  /** Release this handle; the native session is freed with the last handle (a second call does nothing). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.handles.count -= 1;
    if (this.handles.count === 0) await this.session.release();
  }
}
