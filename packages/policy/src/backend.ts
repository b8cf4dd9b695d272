// Chooses the TensorFlow.js backend for the learner: wasm (fast, no native download), falling
// back to the pure-JS cpu backend with a warning. Must not: download anything or pick tfjs-node.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type TfBackendName = 'wasm' | 'cpu';

/**
 * The choice itself, with the backend switch injected (tests pass a failing one): try wasm
 * unless cpu is asked for; on failure warn and use cpu.
 */
export async function chooseTfBackend(
  prefer: TfBackendName,
  trySet: (name: TfBackendName) => Promise<boolean>,
  warn: (msg: string) => void,
): Promise<TfBackendName> {
  if (prefer === 'wasm') {
    let reason = 'setBackend returned false';
    try {
      if (await trySet('wasm')) return 'wasm';
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    warn(`@ala/policy: TF.js wasm backend unavailable (${reason}); falling back to the cpu backend (~10x slower)`);
  }
  if (!(await trySet('cpu'))) throw new Error('TF.js cpu backend could not be initialised');
  return 'cpu';
}

let ready: Promise<TfBackendName> | undefined;

/**
 * Initialise TF.js once per process and return the backend in use (later calls return the first
 * choice). `prefer` = 'cpu' skips wasm. The warning goes to `warn` (default console.warn).
 */
export function initTfBackend(prefer: TfBackendName = 'wasm', warn: (msg: string) => void = (m) => console.warn(m)): Promise<TfBackendName> {
  ready ??= chooseTfBackend(
    prefer,
    async (name) => {
      const ok = await tf.setBackend(name);
      if (ok) await tf.ready();
      return ok;
    },
    warn,
  );
  return ready;
}

/** The backend currently active (after initTfBackend resolved). */
export function activeTfBackend(): string {
  return tf.getBackend();
}
