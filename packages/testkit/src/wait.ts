// Await helpers for asynchronous tests: poll a predicate, take the next message, collect messages.
// They work on any message source (an AsyncIterable such as a nats.js Subscription, or a
// subscribe function such as a Bus subscription) and always end with a WaitTimeoutError rather
// than hanging. They must not hide failures: a timeout is an error, never an empty result.
import { WaitTimeoutError } from './errors';

/**
 * Something that pushes items: called with `push`, returns how to stop. Fits `Bus.subscribe`:
 * `(push) => bus.subscribe(Bias, subject, (value, meta) => push({ value, meta }))`.
 */
export type PushSource<T> = (push: (item: T) => void) => { unsubscribe(): unknown } | (() => unknown);
export type MessageSource<T> = AsyncIterable<T> | PushSource<T>;

/** Polls `predicate` (sync or async) every `intervalMs` until it returns true. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  opts: { intervalMs?: number; what?: string } = {},
): Promise<void> {
  const interval = opts.intervalMs ?? 10;
  const start = performance.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() - start >= timeoutMs) {
      throw new WaitTimeoutError(opts.what ?? 'condition', timeoutMs, lastError === undefined ? undefined : { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

function stopper(handle: { unsubscribe(): unknown } | (() => unknown)): () => void {
  return () => {
    void (typeof handle === 'function' ? handle() : handle.unsubscribe());
  };
}

/**
 * Collects items until `count` arrived (resolves early) or `durationMs` passed (resolves with what
 * arrived). With `count` and no `durationMs`, fewer than `count` items within `timeoutMs` throws.
 */
export async function collect<T>(source: MessageSource<T>, opts: { count?: number; durationMs?: number; timeoutMs?: number }): Promise<T[]> {
  const items: T[] = [];
  const timeoutMs = opts.durationMs ?? opts.timeoutMs ?? 5_000;
  const strict = opts.durationMs === undefined;
  const enough = (): boolean => opts.count !== undefined && items.length >= opts.count;
  if (typeof source === 'function') {
    return new Promise<T[]>((resolve, reject) => {
      let done = false;
      const finish = (err?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        queueMicrotask(stop);
        if (err) reject(err);
        else resolve(items);
      };
      const timer = setTimeout(() => {
        if (strict) finish(new WaitTimeoutError(`${opts.count ?? '?'} messages (got ${items.length})`, timeoutMs));
        else finish();
      }, timeoutMs);
      const stop = stopper(
        source((item) => {
          if (done) return;
          items.push(item);
          if (enough()) finish();
        }),
      );
    });
  }
  const it = source[Symbol.asyncIterator]();
  const deadline = performance.now() + timeoutMs;
  try {
    while (!enough()) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)));
      const next = await Promise.race([it.next(), timeout]);
      clearTimeout(timer);
      if (next === 'timeout' || next.done) break;
      items.push(next.value);
    }
  } finally {
    void it.return?.();
  }
  if (strict && !enough()) throw new WaitTimeoutError(`${opts.count ?? '?'} messages (got ${items.length})`, timeoutMs);
  return items;
}

/** The next item from `source`, or WaitTimeoutError after `timeoutMs`. */
export async function nextMessage<T>(source: MessageSource<T>, timeoutMs = 5_000): Promise<T> {
  const [first] = await collect(source, { count: 1, timeoutMs });
  return first as T;
}
