// One load per process for actors announced the same digest: concurrent callers share one fetch
// and one ONNX Runtime session, each with its own handle (the session lives until the last handle
// is released); a failed load fails every caller; without a digest nothing is shared.
import { createHash } from 'node:crypto';
import { Learner, OnnxError, presetFor } from '@ala/policy';
import { fetchPolicy, loadShared, sharedLoadKey } from '../src/policy-loader';
import { PolicyLoadError } from '../src/errors';
import type { PolicySource } from '../src';

jest.setTimeout(30_000);

let model: Uint8Array;
let sha: string;
beforeAll(async () => {
  const l = await Learner.create({ obsDim: 4, nActions: 2, config: presetFor('CartPole-v1'), seed: 1 });
  model = l.exportOnnx();
  sha = createHash('sha256').update(model).digest('hex');
  l.dispose();
});

function countingSource(bytes: () => Uint8Array): PolicySource & { fetches: number } {
  const src = {
    fetches: 0,
    latestVersion: () => Promise.resolve(1),
    fetch: async () => {
      src.fetches += 1;
      await new Promise((r) => setTimeout(r, 5));
      return bytes();
    },
  };
  return src;
}

describe('loadShared', () => {
  it('gives concurrent callers with one key one load and a handle each', async () => {
    const src = countingSource(() => model);
    const key = sharedLoadKey(3, sha, 4, 2);
    const handles = await Promise.all([1, 2, 3, 4].map(() => loadShared(key, () => fetchPolicy(src, 3, sha, 4, 2))));
    expect(src.fetches).toBe(1);
    expect(new Set(handles).size).toBe(4);
    // the session stays usable until the last handle goes
    for (const h of handles.slice(0, 3)) await h.release();
    await expect(handles[0]!.run(new Float32Array(4), 1)).rejects.toThrow(OnnxError);
    const out = await handles[3]!.run(new Float32Array(8), 2);
    expect(out.logits).toHaveLength(4);
    await handles[3]!.release();
    await handles[3]!.release(); // a second release does nothing
    // a later caller starts a new load
    const again = await loadShared(key, () => fetchPolicy(src, 3, sha, 4, 2));
    expect(src.fetches).toBe(2);
    await again.release();
  });

  it('fails every caller when the load fails, and keeps nothing', async () => {
    const src = countingSource(() => new Uint8Array([1, 2, 3]));
    const key = sharedLoadKey(4, sha, 4, 2);
    const results = await Promise.allSettled([1, 2].map(() => loadShared(key, () => fetchPolicy(src, 4, sha, 4, 2))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(PolicyLoadError);
    expect(src.fetches).toBe(1);
  });

  it('shares nothing without an announced digest', async () => {
    const src = countingSource(() => model);
    expect(sharedLoadKey(5, undefined, 4, 2)).toBeUndefined();
    const handles = await Promise.all([1, 2].map(() => loadShared(undefined, () => fetchPolicy(src, 5, undefined, 4, 2))));
    expect(src.fetches).toBe(2);
    for (const h of handles) await h.release();
  });
});
