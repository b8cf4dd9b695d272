// The local server's world as a pure function of the seed: layers, trees on the grid only, the
// same world for the same seed, a different one for another seed, a free spawn column.
import { hasTree, originalBlockName, SURFACE_Y, TREE_DENSITY, TREE_HEIGHT, TREE_SPACING } from '../src/world-gen';

describe('world generation', () => {
  it('is a flat plain with oak trunks on the grid', () => {
    expect(originalBlockName(7, 3, 0, 9)).toBe('bedrock');
    expect(originalBlockName(7, 3, SURFACE_Y - 1, 9)).toBe('dirt');
    expect(originalBlockName(7, 3, SURFACE_Y, 9)).toBe('grass_block');
    expect(originalBlockName(7, 3, SURFACE_Y + 1, 9)).toBe('air'); // off the grid: never a tree
    expect(hasTree(7, 0, 0)).toBe(false);
    let trees = 0;
    let points = 0;
    for (let x = -200; x <= 200; x += TREE_SPACING)
      for (let z = -200; z <= 200; z += TREE_SPACING) {
        points += 1;
        if (!hasTree(7, x, z)) continue;
        trees += 1;
        for (let y = SURFACE_Y + 1; y <= SURFACE_Y + TREE_HEIGHT; y++) expect(originalBlockName(7, x, y, z)).toBe('oak_log');
        expect(originalBlockName(7, x, SURFACE_Y + TREE_HEIGHT + 1, z)).toBe('oak_leaves');
        expect(hasTree(7, x + 1, z)).toBe(false);
      }
    expect(trees / points).toBeGreaterThan(TREE_DENSITY - 0.05);
    expect(trees / points).toBeLessThan(TREE_DENSITY + 0.05);
  });

  it('depends on the seed only', () => {
    const map = (seed: number): boolean[] =>
      Array.from({ length: 400 }, (_, i) => hasTree(seed, ((i % 20) - 10) * TREE_SPACING, (Math.floor(i / 20) - 10) * TREE_SPACING));
    expect(map(3)).toEqual(map(3));
    expect(map(3)).not.toEqual(map(4));
  });
});
