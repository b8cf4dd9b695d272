// CraftWorld's rules as data: tiles, inventory items, actions, the tech tree (recipes and what
// each tile yields) and the milestones. The env and the planner both read these tables, so a
// rule changes in one place. This module must hold no state and must not draw random numbers.

/** Map tiles. Only GRASS is walkable; mined stone and iron become GRASS. */
export const Tile = { GRASS: 0, TREE: 1, STONE: 2, IRON: 3, WATER: 4, TABLE: 5, FURNACE: 6 } as const;
export type Tile = (typeof Tile)[keyof typeof Tile];
export const TILE_NAMES = ['grass', 'tree', 'stone', 'iron', 'water', 'table', 'furnace'] as const;
export const NUM_TILES = TILE_NAMES.length;

/** Inventory slots. */
export const Item = {
  LOG: 0,
  PLANKS: 1,
  STICKS: 2,
  STONE: 3,
  IRON_ORE: 4,
  IRON_INGOT: 5,
  WOODEN_PICKAXE: 6,
  STONE_PICKAXE: 7,
  IRON_PICKAXE: 8,
} as const;
export type Item = (typeof Item)[keyof typeof Item];
export const ITEM_NAMES = ['log', 'planks', 'sticks', 'stone', 'iron_ore', 'iron_ingot', 'wooden_pickaxe', 'stone_pickaxe', 'iron_pickaxe'] as const;
export const NUM_ITEMS = ITEM_NAMES.length;

/** Discrete actions. Moves set the facing direction and move when the target cell is grass. */
export const Action = {
  NOOP: 0,
  MOVE_NORTH: 1,
  MOVE_SOUTH: 2,
  MOVE_WEST: 3,
  MOVE_EAST: 4,
  INTERACT: 5,
  CRAFT_PLANKS: 6,
  CRAFT_STICKS: 7,
  PLACE_TABLE: 8,
  CRAFT_WOODEN_PICKAXE: 9,
  CRAFT_STONE_PICKAXE: 10,
  PLACE_FURNACE: 11,
  SMELT_IRON: 12,
  CRAFT_IRON_PICKAXE: 13,
} as const;
export const ACTION_NAMES = [
  'noop',
  'move_north',
  'move_south',
  'move_west',
  'move_east',
  'interact',
  'craft_planks',
  'craft_sticks',
  'place_table',
  'craft_wooden_pickaxe',
  'craft_stone_pickaxe',
  'place_furnace',
  'smelt_iron',
  'craft_iron_pickaxe',
] as const;
export const NUM_ACTIONS = ACTION_NAMES.length;

/** Direction vectors indexed by facing (0 north, 1 south, 2 west, 3 east) = move action - 1. */
export const DX = [0, 0, -1, 1] as const;
export const DY = [-1, 1, 0, 0] as const;
export const FACING_NAMES = ['north', 'south', 'west', 'east'] as const;

/** A craft or place action: consumes `needs`, then adds `gives` or puts `places` on the faced grass cell (else the first grass neighbour). */
export interface Recipe {
  readonly action: number;
  readonly needs: readonly (readonly [Item, number])[];
  readonly gives?: readonly [Item, number];
  readonly places?: Tile;
  /** Requires a table within one cell (8-neighbourhood) of the agent. */
  readonly nearTable: boolean;
  /** Requires a furnace within one cell of the agent. */
  readonly nearFurnace: boolean;
  readonly milestone: Milestone;
}

/** The tech tree: log -> planks -> sticks -> table -> wooden pickaxe -> stone -> stone pickaxe -> iron -> furnace -> ingot -> iron pickaxe. */
export const RECIPES: readonly Recipe[] = [
  { action: Action.CRAFT_PLANKS, needs: [[Item.LOG, 1]], gives: [Item.PLANKS, 2], nearTable: false, nearFurnace: false, milestone: 'craft_planks' },
  { action: Action.CRAFT_STICKS, needs: [[Item.PLANKS, 1]], gives: [Item.STICKS, 2], nearTable: false, nearFurnace: false, milestone: 'craft_sticks' },
  { action: Action.PLACE_TABLE, needs: [[Item.PLANKS, 2]], places: Tile.TABLE, nearTable: false, nearFurnace: false, milestone: 'place_table' },
  {
    action: Action.CRAFT_WOODEN_PICKAXE,
    needs: [
      [Item.PLANKS, 1],
      [Item.STICKS, 1],
    ],
    gives: [Item.WOODEN_PICKAXE, 1],
    nearTable: true,
    nearFurnace: false,
    milestone: 'craft_wooden_pickaxe',
  },
  {
    action: Action.CRAFT_STONE_PICKAXE,
    needs: [
      [Item.STONE, 1],
      [Item.STICKS, 1],
    ],
    gives: [Item.STONE_PICKAXE, 1],
    nearTable: true,
    nearFurnace: false,
    milestone: 'craft_stone_pickaxe',
  },
  { action: Action.PLACE_FURNACE, needs: [[Item.STONE, 2]], places: Tile.FURNACE, nearTable: false, nearFurnace: false, milestone: 'place_furnace' },
  {
    action: Action.SMELT_IRON,
    needs: [
      [Item.IRON_ORE, 1],
      [Item.LOG, 1],
    ],
    gives: [Item.IRON_INGOT, 1],
    nearTable: false,
    nearFurnace: true,
    milestone: 'smelt_iron',
  },
  {
    action: Action.CRAFT_IRON_PICKAXE,
    needs: [
      [Item.IRON_INGOT, 1],
      [Item.STICKS, 1],
    ],
    gives: [Item.IRON_PICKAXE, 1],
    nearTable: true,
    nearFurnace: false,
    milestone: 'craft_iron_pickaxe',
  },
];

/** Recipe by action id (undefined for moves, noop and interact). */
export const RECIPE_BY_ACTION: readonly (Recipe | undefined)[] = ACTION_NAMES.map((_, a) => RECIPES.find((r) => r.action === a));

/** What `interact` collects from a faced tile, and the tool it needs. */
export interface Harvest {
  readonly tile: Tile;
  readonly gives: Item;
  readonly tool?: Item;
  /** The tile left behind (trees regrow at once: they stay). */
  readonly leaves: Tile;
  readonly milestone: Milestone;
}
export const HARVESTS: readonly Harvest[] = [
  { tile: Tile.TREE, gives: Item.LOG, leaves: Tile.TREE, milestone: 'collect_log' },
  { tile: Tile.STONE, gives: Item.STONE, tool: Item.WOODEN_PICKAXE, leaves: Tile.GRASS, milestone: 'collect_stone' },
  { tile: Tile.IRON, gives: Item.IRON_ORE, tool: Item.STONE_PICKAXE, leaves: Tile.GRASS, milestone: 'collect_iron' },
];
export const HARVEST_BY_TILE: readonly (Harvest | undefined)[] = TILE_NAMES.map((_, t) => HARVESTS.find((h) => h.tile === t));

/** Milestones in tech-tree order; each pays +1 the first time (reward 'milestones'). The last one is the goal. */
export const MILESTONES = [
  'collect_log',
  'craft_planks',
  'craft_sticks',
  'place_table',
  'craft_wooden_pickaxe',
  'collect_stone',
  'craft_stone_pickaxe',
  'place_furnace',
  'collect_iron',
  'smelt_iron',
  'craft_iron_pickaxe',
] as const;
export type Milestone = (typeof MILESTONES)[number];
export const GOAL_MILESTONE: Milestone = 'craft_iron_pickaxe';

/** One line per recipe, for advisors. */
export function recipesText(): string {
  const need = (r: Recipe): string => r.needs.map(([i, n]) => `${n} ${ITEM_NAMES[i]}`).join(' + ');
  const lines = RECIPES.map((r) => {
    const out = r.gives ? `${r.gives[1]} ${ITEM_NAMES[r.gives[0]]}` : `a ${TILE_NAMES[r.places ?? 0]} on the grass you face (else on a grass neighbour)`;
    const where = [r.nearTable ? 'next to a table' : '', r.nearFurnace ? 'next to a furnace' : ''].filter(Boolean).join(', ');
    return `${ACTION_NAMES[r.action]}: ${need(r)} -> ${out}${where ? ` (${where})` : ''}`;
  });
  const harvest = HARVESTS.map(
    (h) => `interact facing ${TILE_NAMES[h.tile]}${h.tool !== undefined ? ` with a ${ITEM_NAMES[h.tool]}` : ''} -> 1 ${ITEM_NAMES[h.gives]}`,
  );
  return [...harvest, ...lines].join('; ');
}
