// Writes the actor-critic MLP as one ONNX model (input `obs` [batch, obsDim]; outputs `logits`
// [batch, nActions] and `value` [batch, 1]) from plain weights, with Gemm + Tanh nodes only.
// Must not: depend on TF.js or ONNX Runtime (it serialises the weights it is given, nothing else).
import { onnx } from 'onnx-proto';
import { OnnxError } from './errors';
import { validateSpec, type ActorCriticWeights, type DenseParams } from './weights';

/** Names of the graph's input and outputs (the contract with every ONNX consumer). */
export const ONNX_IO = { input: 'obs', logits: 'logits', value: 'value' } as const;
/** Opset used by the exported graph (Gemm-13, Tanh-13). */
export const ONNX_OPSET = 13;

export interface OnnxExportMeta {
  /** Policy version written into the model metadata (`ala.policy_version`). */
  readonly policyVersion?: number;
  /** Free-form producer note, e.g. the env id. */
  readonly docString?: string;
}

function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  // raw_data is little-endian float32: copy to a fresh buffer so views with offsets serialise right.
  const raw = new Uint8Array(data.byteLength);
  raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function trunk(prefix: 'actor' | 'critic', layers: readonly DenseParams[], output: string, nodes: onnx.INodeProto[], inits: onnx.ITensorProto[]): void {
  let x: string = ONNX_IO.input;
  layers.forEach((l, i) => {
    const w = `${prefix}.${i}.weight`;
    const b = `${prefix}.${i}.bias`;
    if (l.w.length !== l.inDim * l.outDim || l.b.length !== l.outDim) {
      throw new OnnxError(`${prefix} layer ${i}: weight length ${l.w.length} / bias ${l.b.length} do not match ${l.inDim}x${l.outDim}`, 'export');
    }
    inits.push(floatTensor(w, [l.inDim, l.outDim], l.w), floatTensor(b, [l.outDim], l.b));
    const last = i + 1 === layers.length;
    const gemmOut = last ? output : `${prefix}.${i}.gemm`;
    nodes.push({ opType: 'Gemm', name: `${prefix}.${i}.Gemm`, input: [x, w, b], output: [gemmOut] });
    if (!last) {
      const act = `${prefix}.${i}.tanh`;
      nodes.push({ opType: 'Tanh', name: `${prefix}.${i}.Tanh`, input: [gemmOut], output: [act] });
      x = act;
    }
  });
}

/** Serialise the weights as an ONNX ModelProto (bytes ready for InferenceSession.create). */
export function exportOnnx(weights: ActorCriticWeights, meta: OnnxExportMeta = {}): Uint8Array {
  try {
    validateSpec(weights.spec);
  } catch (err) {
    throw new OnnxError(`cannot export: ${(err as Error).message}`, 'export', { cause: err });
  }
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  trunk('actor', weights.actor, ONNX_IO.logits, nodes, inits);
  trunk('critic', weights.critic, ONNX_IO.value, nodes, inits);
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'ala-policy',
    producerVersion: '0.1.0',
    docString: meta.docString ?? 'ALA actor-critic MLP',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [{ key: 'ala.policy_version', value: String(meta.policyVersion ?? 0) }],
    graph: {
      name: 'actor_critic',
      node: nodes,
      initializer: inits,
      input: [valueInfo(ONNX_IO.input, ['batch', weights.spec.obsDim])],
      output: [valueInfo(ONNX_IO.logits, ['batch', weights.spec.nActions]), valueInfo(ONNX_IO.value, ['batch', 1])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
