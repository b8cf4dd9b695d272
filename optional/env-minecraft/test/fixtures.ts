// Hand-built Minecraft-v0 states for the unit tests: a plain with nothing around, and helpers to
// put a block in the egocentric grid or an item in the inventory. Pure data, no server.
import { GRID_CELLS, gridIndex, Category, NUM_ITEMS } from '../src/rules';
import type { MinecraftState } from '../src/state';

/** A bot on flat grass facing north, empty inventory, nothing in sight. */
export function plainState(over: Partial<MinecraftState> = {}): MinecraftState {
  const grid = new Uint8Array(GRID_CELLS);
  for (let f = -3; f <= 3; f++) for (let r = -3; r <= 3; r++) grid[gridIndex(0, f, r)] = Category.SOLID;
  return {
    task: 'logs',
    maxSteps: 500,
    steps: 10,
    done: false,
    x: 3.5,
    y: 5,
    z: -7.5,
    start: [0.5, 5, -2.5],
    facing: 0,
    health: 17.5,
    food: 19,
    timeOfDay: 6000,
    inventory: new Array<number>(NUM_ITEMS).fill(0),
    milestones: 0,
    logsCollected: 0,
    toolHeld: false,
    entityInFront: false,
    nearestLog: undefined,
    nearestTable: undefined,
    grid,
    ...over,
  };
}

/** A copy of `s` with category `c` at egocentric cell (level, fwd, right). */
export function withCell(s: MinecraftState, level: number, fwd: number, right: number, c: number): MinecraftState {
  const grid = s.grid.slice();
  grid[gridIndex(level, fwd, right)] = c;
  return { ...s, grid };
}
