// Backend choice: wasm when it starts, otherwise cpu with a warning; cpu when asked for.
import { chooseTfBackend, type TfBackendName } from '@ala/policy';

function fakeSwitch(wasm: 'ok' | 'false' | 'throws'): { trySet: (n: TfBackendName) => Promise<boolean>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    trySet: async (n) => {
      calls.push(n);
      if (n === 'cpu') return true;
      if (wasm === 'throws') throw new Error('no WebAssembly');
      return wasm === 'ok';
    },
  };
}

it('uses wasm when it starts, without a warning', async () => {
  const warn = jest.fn();
  const s = fakeSwitch('ok');
  expect(await chooseTfBackend('wasm', s.trySet, warn)).toBe('wasm');
  expect(warn).not.toHaveBeenCalled();
  expect(s.calls).toEqual(['wasm']);
});

it.each(['false', 'throws'] as const)('falls back to cpu with a warning when wasm %s', async (mode) => {
  const warn = jest.fn();
  const s = fakeSwitch(mode);
  expect(await chooseTfBackend('wasm', s.trySet, warn)).toBe('cpu');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toMatch(/wasm backend unavailable .*falling back to the cpu backend/);
  expect(s.calls).toEqual(['wasm', 'cpu']);
});

it('uses cpu directly when asked', async () => {
  const warn = jest.fn();
  const s = fakeSwitch('ok');
  expect(await chooseTfBackend('cpu', s.trySet, warn)).toBe('cpu');
  expect(s.calls).toEqual(['cpu']);
  expect(warn).not.toHaveBeenCalled();
});
