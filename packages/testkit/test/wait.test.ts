// The await helpers end in a typed timeout instead of hanging, and deliver items in order.
import { collect, nextMessage, waitFor, WaitTimeoutError, type PushSource } from '../src';

async function* numbers(n: number, gapMs: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    yield i;
  }
}

function ticker(n: number): { source: PushSource<number>; stopped: () => boolean } {
  let stopped = false;
  const source: PushSource<number> = (push) => {
    const timers = Array.from({ length: n }, (_, i) => setTimeout(() => push(i), 5 * (i + 1)));
    return () => {
      stopped = true;
      timers.forEach(clearTimeout);
    };
  };
  return { source, stopped: () => stopped };
}

describe('wait helpers', () => {
  it('waitFor resolves once the predicate holds and times out with a typed error otherwise', async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3, 1_000, { intervalMs: 1 });
    expect(calls).toBe(3);
    await expect(waitFor(() => false, 30, { what: 'never' })).rejects.toThrow(WaitTimeoutError);
    await expect(waitFor(() => false, 30, { what: 'never' })).rejects.toThrow(/never/);
  });

  it('collect and nextMessage read async iterables', async () => {
    expect(await collect(numbers(5, 1), { count: 3 })).toEqual([0, 1, 2]);
    expect(await nextMessage(numbers(2, 1))).toBe(0);
    await expect(collect(numbers(2, 1), { count: 3, timeoutMs: 200 })).rejects.toThrow(/got 2/);
    expect(await collect(numbers(100, 20), { durationMs: 50 })).not.toHaveLength(0);
  });

  it('collect reads push sources and stops them', async () => {
    const t = ticker(4);
    expect(await collect(t.source, { count: 2 })).toEqual([0, 1]);
    await new Promise((r) => setImmediate(r));
    expect(t.stopped()).toBe(true);
    await expect(nextMessage(ticker(0).source, 30)).rejects.toThrow(WaitTimeoutError);
  });
});
