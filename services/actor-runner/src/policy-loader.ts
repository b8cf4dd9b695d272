// Loading an announced policy once per process: every actor of the process told about the same
// version with the same sha256 joins one load (one fetch, one digest check, one ONNX Runtime
// session built and probed) and gets its own handle on the shared session (OrtPolicy.share), so
// N actors in one process cost one load, not N on the same event loop. The key is the announced
// digest, checked by the load itself, so the bytes are the same whichever actor's store fetched
// them. A failed load fails every joiner (each counts it). Must not: touch the bus, swap policies
// or keep a policy after its load settled (handles belong to the actors; PreparedPolicy holds one
// per actor until its announce takes it).
import { createHash } from 'node:crypto';
import { OrtPolicy } from '@ala/policy';
import { PolicyLoadError } from './errors';
import { policyObjectName, type PolicySource } from './ports';

interface Flight {
  /** Actors waiting for this load (each takes one handle). */
  joiners: number;
  readonly handles: Promise<OrtPolicy[]>;
}

const flights = new Map<string, Flight>();

/** Key of a shareable load: an announced digest for a version and env shape (undefined: not shareable). */
export function sharedLoadKey(version: number, sha256: string | undefined, obsDim: number, nActions: number): string | undefined {
  return sha256 === undefined ? undefined : `${sha256}|v${version}|${obsDim}x${nActions}`;
}

/**
 * Runs `load` once for all callers with the same `key` while it is in flight and gives each caller
 * its own handle on the result (the first caller the loaded policy, the others `share()`s).
 * Without a key, just runs `load`.
 */
export function loadShared(key: string | undefined, load: () => Promise<OrtPolicy>): Promise<OrtPolicy> {
  if (key === undefined) return load();
  let flight = flights.get(key);
  if (flight === undefined) {
    const created: Flight = {
      joiners: 0,
      handles: load().then(
        (policy) => {
          flights.delete(key); // later callers start a new load; every joiner so far is counted
          const handles = [policy];
          for (let i = 1; i < created.joiners; i++) handles.push(policy.share());
          return handles;
        },
        (err: unknown) => {
          flights.delete(key);
          throw err;
        },
      ),
    };
    flights.set(key, created);
    flight = created;
  }
  flight.joiners += 1;
  return flight.handles.then((handles) => handles.pop()!);
}

/**
 * Fetches `v<version>.onnx` from `source` and loads it (policyFromBytes). Throws PolicyLoadError
 * (digest, shape) or the fetch/session error; nothing is kept on failure.
 */
export async function fetchPolicy(source: PolicySource, version: number, sha256: string | undefined, obsDim: number, nActions: number): Promise<OrtPolicy> {
  return policyFromBytes(await source.fetch(policyObjectName(version)), version, sha256, obsDim, nActions);
}

/**
 * Checks the bytes' sha256 when one is given, builds the ONNX Runtime session and probes that it
 * maps obsDim -> nActions. Throws PolicyLoadError (digest, shape) or the session error.
 */
export async function policyFromBytes(bytes: Uint8Array, version: number, sha256: string | undefined, obsDim: number, nActions: number): Promise<OrtPolicy> {
  if (sha256 !== undefined && sha256Hex(bytes) !== sha256) {
    throw new PolicyLoadError(version, 'digest', `policy v${version}: sha256 does not match the announcement`);
  }
  const policy = await OrtPolicy.create(bytes, { obsDim, nActions, policyVersion: version });
  try {
    const probe = await policy.run(new Float32Array(obsDim), 1).catch((err: unknown) => {
      throw new PolicyLoadError(version, 'shape', `policy v${version} does not map ${obsDim} -> ${nActions}`, { cause: err });
    });
    if (probe.logits.length !== nActions)
      throw new PolicyLoadError(version, 'shape', `policy v${version} outputs ${probe.logits.length} logits, env has ${nActions}`);
  } catch (err) {
    await policy.release();
    throw err;
  }
  return policy;
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const OBJECT_NAME = /^v([0-9]{1,15})\.onnx$/;

/**
 * One actor's policy prepared before its announcement: the learner stores the bytes (KV, small
 * models) before it announces, so the session can be built while the announce is on its way. An
 * announce whose version and sha256 match takes it; anything else (no bytes seen, digest differs,
 * preparation failed) loads as usual. Holds at most one policy, released when superseded or on close.
 */
export class PreparedPolicy {
  private slot: { version: number; sha256: string; policy: Promise<OrtPolicy> } | undefined;

  /** `onFailed` hears of a preparation that failed (counted by the caller; the announce then loads as usual). */
  constructor(
    private readonly obsDim: number,
    private readonly nActions: number,
    private readonly onFailed: (version: number, err: unknown) => void,
  ) {}

  /** Stored bytes of `objectName` seen before their announce; ignored unless newer than `newest` and than what is prepared. */
  offer(objectName: string, bytes: Uint8Array, newest: number): void {
    const m = OBJECT_NAME.exec(objectName);
    const version = m === null ? NaN : Number(m[1]);
    if (!(version > newest) || (this.slot !== undefined && this.slot.version >= version)) return;
    void this.drop();
    const sha256 = sha256Hex(bytes);
    const { obsDim, nActions } = this;
    const policy = loadShared(sharedLoadKey(version, sha256, obsDim, nActions), () => policyFromBytes(bytes, version, sha256, obsDim, nActions));
    policy.catch((err: unknown) => this.onFailed(version, err));
    this.slot = { version, sha256, policy };
  }

  /** The prepared policy for an announce when version and digest match (the caller owns it), else `load()`. */
  take(version: number, sha256: string | undefined, load: () => Promise<OrtPolicy>): Promise<OrtPolicy> {
    const slot = this.slot;
    if (slot === undefined || slot.version !== version || slot.sha256 !== sha256) return load();
    this.slot = undefined;
    return slot.policy.catch(load);
  }

  /** Releases what is prepared (on stop). */
  close(): Promise<void> {
    return this.drop();
  }

  /** Empties the slot; resolves when its policy is released (a failed preparation holds nothing). */
  private drop(): Promise<void> {
    const old = this.slot;
    this.slot = undefined;
    return old === undefined
      ? Promise.resolve()
      : old.policy.then(
          (p) => p.release(),
          () => undefined, // already reported through onFailed
        );
  }
}
