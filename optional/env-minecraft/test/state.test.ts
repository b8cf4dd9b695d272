// The portable state bytes of Minecraft-v0: round trip, and every kind of bad bytes refused with
// EnvStateError (and the state-view env unchanged).
import { EnvStateError } from '@ala/envs';
import { Category, Item, MINECRAFT_ID } from '../src/rules';
import { decodeMinecraftState, encodeMinecraftState, MINECRAFT_STATE_BYTES } from '../src/state';
import { MinecraftStateEnv } from '../src/state-env';
import { plainState, withCell } from './fixtures';

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EnvStateError);
    return `${(e as EnvStateError).reason}:${(e as EnvStateError).field}`;
  }
  throw new Error('expected EnvStateError');
};

describe('Minecraft state bytes', () => {
  const s = withCell(
    plainState({ task: 'techtree', inventory: [2, 5, 0, 1, 0], milestones: 0b1011, nearestLog: [2, 1, -3], logsCollected: 4, toolHeld: true }),
    1,
    1,
    0,
    Category.LOG,
  );

  it('round-trips every field', () => {
    const bytes = encodeMinecraftState(s);
    expect(bytes.length).toBe(MINECRAFT_STATE_BYTES);
    const d = decodeMinecraftState(bytes);
    expect({ ...d, grid: Array.from(d.grid) }).toEqual({ ...s, grid: Array.from(s.grid) });
    expect(encodeMinecraftState(d)).toEqual(bytes);
  });

  it('refuses corrupted, foreign, truncated and out-of-range bytes', () => {
    const bytes = encodeMinecraftState(s);
    const flipped = bytes.slice();
    flipped[100]! ^= 1;
    expect(reason(() => decodeMinecraftState(flipped))).toBe('format:checksum');
    const magic = bytes.slice();
    magic[0] = 0x43;
    expect(reason(() => decodeMinecraftState(magic))).toBe('format:magic');
    const version = bytes.slice();
    version[2] = 2;
    expect(reason(() => decodeMinecraftState(version))).toBe('version:version');
    expect(reason(() => decodeMinecraftState(bytes.slice(0, 100)))).toBe('length:bytes');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState({ ...s, facing: 4 })))).toBe('range:facing');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState({ ...s, steps: 500 })))).toBe('range:steps');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState({ ...s, health: Number.NaN })))).toBe('range:health');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState({ ...s, timeOfDay: 24000 })))).toBe('range:timeOfDay');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState({ ...s, milestones: 1 << 5 })))).toBe('range:milestones');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState({ ...s, x: 4e7 })))).toBe('range:position');
    expect(reason(() => decodeMinecraftState(encodeMinecraftState(withCell(s, 0, 0, 0, 8))))).toBe('range:grid');
    expect(reason(() => decodeMinecraftState(new Uint8Array([1, 2]) as Uint8Array))).toBe('length:bytes');
  });

  it('a finished episode at maxSteps is a valid state', () => {
    expect(decodeMinecraftState(encodeMinecraftState({ ...s, steps: 500, done: true })).done).toBe(true);
  });

  it('the state-view env imports, exports and keeps its state on bad bytes', () => {
    const env = new MinecraftStateEnv();
    expect(env.id).toBe(MINECRAFT_ID);
    const bytes = encodeMinecraftState(s);
    env.importState(bytes);
    expect(env.exportState()).toEqual(bytes);
    const bad = bytes.slice();
    bad[5] = 9;
    expect(() => env.importState(bad)).toThrow(EnvStateError);
    expect(env.exportState()).toEqual(bytes);
    expect(env.currentState().inventory[Item.PLANKS]).toBe(5);
  });
});
