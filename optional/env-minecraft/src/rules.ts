// The vocabulary of Minecraft-v0, shared by the state codec, the observation, the text, the
// expert and the live bot: the discrete actions, the block categories of the egocentric grid,
// the task items and their recipes (vanilla 1.16.5 recipes, oak only), the tasks and their
// milestones, and the geometry of the grid. Pure data and index arithmetic: no I/O, no bot.

export const MINECRAFT_ID = 'Minecraft-v0';

/** Discrete actions, in action-index order. */
export const ACTION_NAMES = [
  'noop',
  'forward',
  'back',
  'turn_left',
  'turn_right',
  'jump',
  'dig',
  'place_table',
  'craft_planks',
  'craft_sticks',
  'craft_table',
  'craft_pickaxe',
  'equip_tool',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];
export const Action = Object.fromEntries(ACTION_NAMES.map((n, i) => [n, i])) as { readonly [K in ActionName]: number };
export const NUM_ACTIONS = ACTION_NAMES.length;

/** Block categories of the grid; AIR is 0 (all-zero one-hot). */
export const CATEGORY_NAMES = ['air', 'solid', 'log', 'leaves', 'planks', 'crafting_table', 'liquid', 'player'] as const;
export const Category = { AIR: 0, SOLID: 1, LOG: 2, LEAVES: 3, PLANKS: 4, TABLE: 5, LIQUID: 6, PLAYER: 7 } as const;
export const NUM_CATEGORIES = CATEGORY_NAMES.length;

/** Category of a block by its Minecraft name (any wood species counts). */
export function categoryOf(blockName: string | undefined): number {
  if (blockName === undefined || blockName === 'air' || blockName === 'cave_air' || blockName === 'void_air') return Category.AIR;
  if (blockName.endsWith('_log') || blockName.endsWith('_wood') || blockName.endsWith('_stem')) return Category.LOG;
  if (blockName.endsWith('_leaves')) return Category.LEAVES;
  if (blockName.endsWith('_planks')) return Category.PLANKS;
  if (blockName === 'crafting_table') return Category.TABLE;
  if (blockName === 'water' || blockName === 'lava') return Category.LIQUID;
  if (blockName === 'grass' || blockName === 'tall_grass' || blockName.endsWith('_flower') || blockName === 'dandelion' || blockName === 'poppy')
    return Category.AIR;
  return Category.SOLID;
}

/** Items the task cares about, in inventory-vector order. */
export const ITEM_NAMES = ['log', 'planks', 'stick', 'crafting_table', 'wooden_pickaxe'] as const;
export const Item = { LOG: 0, PLANKS: 1, STICK: 2, TABLE: 3, PICKAXE: 4 } as const;
export const NUM_ITEMS = ITEM_NAMES.length;
/** Minecraft item names counted as each task item. */
export function itemIndexOf(mcName: string): number {
  if (mcName.endsWith('_log')) return Item.LOG;
  if (mcName.endsWith('_planks')) return Item.PLANKS;
  if (mcName === 'stick') return Item.STICK;
  if (mcName === 'crafting_table') return Item.TABLE;
  if (mcName === 'wooden_pickaxe') return Item.PICKAXE;
  return -1;
}

export interface Recipe {
  readonly action: number;
  /** Minecraft item crafted (oak variants). */
  readonly result: string;
  readonly gives: [item: number, count: number];
  readonly needs: readonly (readonly [item: number, count: number])[];
  /** Needs a crafting table within reach (3x3 recipe). */
  readonly needsTable: boolean;
}
/** Vanilla 1.16.5 recipes: 1 log -> 4 planks; 2 planks -> 4 sticks; 4 planks -> table; 3 planks + 2 sticks at a table -> pickaxe. */
export const RECIPES: readonly Recipe[] = [
  { action: Action.craft_planks, result: 'oak_planks', gives: [Item.PLANKS, 4], needs: [[Item.LOG, 1]], needsTable: false },
  { action: Action.craft_sticks, result: 'stick', gives: [Item.STICK, 4], needs: [[Item.PLANKS, 2]], needsTable: false },
  { action: Action.craft_table, result: 'crafting_table', gives: [Item.TABLE, 1], needs: [[Item.PLANKS, 4]], needsTable: false },
  {
    action: Action.craft_pickaxe,
    result: 'wooden_pickaxe',
    gives: [Item.PICKAXE, 1],
    needs: [
      [Item.PLANKS, 3],
      [Item.STICK, 2],
    ],
    needsTable: true,
  },
];
export const RECIPE_BY_ACTION = new Map(RECIPES.map((r) => [r.action, r]));
export const RECIPE_BY_RESULT = new Map(RECIPES.map((r) => [r.result, r]));

/** Tasks: 'logs' rewards every log collected; 'techtree' rewards each milestone once and ends on the pickaxe. */
export const TASKS = ['logs', 'techtree'] as const;
export type Task = (typeof TASKS)[number];
export const MILESTONES = ['log', 'planks', 'stick', 'crafting_table', 'wooden_pickaxe'] as const;
/** Milestone i is reached when inventory item i is first held (MILESTONES follow ITEM_NAMES). */
export const GOAL_MILESTONE = MILESTONES.length - 1;

/** Egocentric grid: (2R+1) x (2R+1) cells on GRID_LEVELS levels (feet-1 .. feet+2). */
export const GRID_RADIUS = 3;
export const GRID_SIDE = 2 * GRID_RADIUS + 1;
export const GRID_LEVELS = 4;
export const GRID_CELLS = GRID_SIDE * GRID_SIDE * GRID_LEVELS;
/** Index of the cell `fwd` ahead, `right` to the right, on level `level` (0 = below the feet). */
export function gridIndex(level: number, fwd: number, right: number): number {
  return (level * GRID_SIDE + (fwd + GRID_RADIUS)) * GRID_SIDE + (right + GRID_RADIUS);
}
/** Facing 0 north (-z), 1 west (-x), 2 south (+z), 3 east (+x); turning left adds 1. */
export const FACING_NAMES = ['north', 'west', 'south', 'east'] as const;
/** World (dx, dz) of one step forward for each facing. */
export const FORWARD: readonly (readonly [number, number])[] = [
  [0, -1],
  [-1, 0],
  [0, 1],
  [1, 0],
];
/** World (dx, dz) of an egocentric offset (fwd ahead, right to the right) for `facing`. */
export function egoToWorld(facing: number, fwd: number, right: number): [number, number] {
  const [fx, fz] = FORWARD[facing & 3]!;
  // right of forward (fx, fz) is (-fz, fx)
  return [fx * fwd - fz * right + 0, fz * fwd + fx * right + 0]; // + 0 turns -0 into 0
}
/** Egocentric (fwd, right) of a world offset (dx, dz) for `facing` (inverse of egoToWorld). */
export function worldToEgo(facing: number, dx: number, dz: number): [number, number] {
  const [fx, fz] = FORWARD[facing & 3]!;
  return [fx * dx + fz * dz + 0, -fz * dx + fx * dz + 0];
}
