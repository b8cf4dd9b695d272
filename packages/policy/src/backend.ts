// Chooses the TensorFlow.js backend for the learner: wasm (fast, no native download), falling
// back to the pure-JS cpu backend with a warning. Must not: download anything or pick tfjs-node.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type TfBackendName = 'wasm' | 'cpu';

let ready: Promise<TfBackendName> | undefined;

/**
 * Initialise TF.js once per process and return the backend in use. `prefer` = 'cpu' forces the
 * fallback (tests use it to check it works). The warning goes to `warn` (default console.warn).
 */
export function initTfBackend(
  prefer: TfBackendName = 'wasm',
  warn: (msg: string) => void = (m) => console.warn(m),
): Promise<TfBackendName> {
  ready ??= (async (): Promise<TfBackendName> => {
    if (prefer === 'wasm') {
      try {
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return 'wasm';
        }
      } catch (err) {
        warn(`@ala/policy: wasm backend unavailable (${String(err)}); falling back to cpu (~4x slower)`);
      }
      if (tf.getBackend() !== 'wasm') warn('@ala/policy: wasm backend unavailable; falling back to cpu (~4x slower)');
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return ready;
}

/** The backend currently active (after initTfBackend resolved). */
export function activeTfBackend(): string {
  return tf.getBackend();
}
