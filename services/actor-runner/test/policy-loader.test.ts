// One load per process for actors announced the same digest: concurrent callers share one fetch
// and one ONNX Runtime session, each with its own handle (the session lives until the last handle
// is released); a failed load fails every caller; without a digest nothing is shared. A policy
// prepared from stored bytes serves only an announce with the same version and digest; the KV
// watch of a real nats-server pushes stored bytes before any announce.
import { createHash } from 'node:crypto';
import { Learner, OnnxError, presetFor } from '@ala/policy';
import { connect, ensurePolicyStores, openJetStream, silentLogger } from '@ala/bus';
import { startNatsServer, waitFor } from '@ala/testkit';
import { fetchPolicy, loadShared, PreparedPolicy, sharedLoadKey } from '../src/policy-loader';
import { jetStreamPolicySource } from '../src/nats-io';
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

describe('PreparedPolicy', () => {
  const never = (): Promise<never> => Promise.reject(new Error('load must not be called'));
  const noFailure = (version: number, err: unknown): void => {
    throw new Error(`preparing v${version} must not fail: ${String(err)}`);
  };

  it('serves the announce with the same version and digest, once', async () => {
    const prep = new PreparedPolicy(4, 2, noFailure);
    prep.offer('v6.onnx', model, 5);
    const p = await prep.take(6, sha, never);
    expect(p.policyVersion).toBe(6);
    let loads = 0;
    const load = () => {
      loads += 1;
      return fetchPolicy(
        countingSource(() => model),
        6,
        sha,
        4,
        2,
      );
    };
    const again = await prep.take(6, sha, load); // taken already: loads as usual
    expect(loads).toBe(1);
    await p.release();
    await again.release();
  });

  it('loads as usual when the digest or version differs, or the preparation failed (reported)', async () => {
    const failed: number[] = [];
    const prep = new PreparedPolicy(4, 2, (version) => failed.push(version));
    const src = countingSource(() => model);
    prep.offer('v7.onnx', model, 5);
    const other = await prep.take(7, 'f'.repeat(64), () => fetchPolicy(src, 7, sha, 4, 2));
    expect(src.fetches).toBe(1);
    await other.release();
    prep.offer('v8.onnx', new Uint8Array([9, 9, 9]), 5); // not a model: the preparation fails and is reported
    const p8 = await prep.take(
      8,
      createHash('sha256')
        .update(new Uint8Array([9, 9, 9]))
        .digest('hex'),
      () => fetchPolicy(src, 8, sha, 4, 2),
    );
    expect(src.fetches).toBe(2);
    expect(failed).toEqual([8]);
    await p8.release();
    await prep.close();
  });

  it('ignores versions not newer than the newest loaded or prepared, and names that are not policies', async () => {
    const prep = new PreparedPolicy(4, 2, noFailure);
    prep.offer('v3.onnx', model, 5);
    prep.offer('latest', model, 0);
    prep.offer('v9.onnx', model, 5);
    prep.offer('v8.onnx', model, 5);
    const src = countingSource(() => model);
    await (await prep.take(3, sha, () => fetchPolicy(src, 3, sha, 4, 2))).release();
    expect(src.fetches).toBe(1);
    const p9 = await prep.take(9, sha, never);
    await p9.release();
    await prep.close();
  });
});

describe('jetStreamPolicySource.watch', () => {
  it('pushes policy bytes stored in KV after the watch started, not other keys', async () => {
    const server = await startNatsServer();
    const conn = await connect({ servers: server.url, name: 'watch', logger: silentLogger });
    try {
      const stores = await ensurePolicyStores(await openJetStream(conn.nc), 'w');
      await stores.kv.put('v1.onnx', new Uint8Array([1])); // before the watch: not pushed
      const seen: [string, number][] = [];
      const stop = await jetStreamPolicySource(stores).watch!(
        (name, bytes) => seen.push([name, bytes.byteLength]),
        (err) => {
          throw err;
        },
      );
      await stores.kv.put('v2.onnx', model);
      await stores.kv.put('latest', '2');
      await waitFor(() => seen.length >= 1, 5_000, { what: 'the pushed policy' });
      await stores.kv.put('v3.onnx', new Uint8Array(0)); // empty: not a policy, not pushed
      await conn.nc.flush();
      stop();
      expect(seen).toEqual([['v2.onnx', model.byteLength]]);
    } finally {
      await conn.close();
      await server.stop();
    }
  });
});
