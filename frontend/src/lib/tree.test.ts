import { describe, expect, it } from 'vitest';
import {
  branchIds,
  expandedIds,
  flattenTree,
  nameNodeIds,
  nodesAtLevel,
  pathsById,
  visibleRows,
} from './tree';

interface Node {
  id: number;
  name: string;
  level: number;
  children: Node[];
}
const n = (id: number, name: string, level: number, children: Node[] = []): Node => ({
  id,
  name,
  level,
  children,
});

const TREE = [
  n(1, 'North', 1, [
    n(3, 'Sales', 2, [n(6, 'Retail', 3, [n(9, 'Web', 4), n(10, 'App', 4)])]),
    n(4, 'Ops', 2, [n(7, 'Infra', 3, [n(11, 'Net', 4)])]),
  ]),
  n(2, 'South', 1, [n(5, 'R&D', 2, [n(8, 'Lab', 3, [n(12, 'AI', 4)])])]),
];

describe('visibleRows', () => {
  it('shows only the roots when nothing is expanded', () => {
    expect(visibleRows(TREE, new Set()).map((r) => r.node.name)).toEqual(['North', 'South']);
  });

  it('shows the children of expanded nodes, depth-first, with depth and path', () => {
    const rows = visibleRows(TREE, new Set([1, 3]));
    expect(rows.map((r) => [r.node.name, r.depth, r.expanded])).toEqual([
      ['North', 0, true],
      ['Sales', 1, true],
      ['Retail', 2, false],
      ['Ops', 1, false],
      ['South', 0, false],
    ]);
    expect(rows[2].path).toEqual(['North', 'Sales', 'Retail']);
    expect(rows[2].hasChildren).toBe(true);
  });

  it('hides the children of a collapsed node even when they are expanded themselves', () => {
    expect(visibleRows(TREE, new Set([3, 6])).map((r) => r.node.name)).toEqual(['North', 'South']);
  });
});

describe('flattenTree and branchIds', () => {
  it('lists every node once', () => {
    expect(flattenTree(TREE)).toHaveLength(12);
    expect(branchIds(TREE)).toEqual([1, 3, 6, 4, 7, 2, 5, 8]);
    expect(
      flattenTree(TREE)
        .filter((r) => !r.hasChildren)
        .map((r) => r.node.name),
    ).toEqual(['Web', 'App', 'Net', 'AI']);
  });

  it('starts paths at the top of a scoped tree', () => {
    const scoped = [n(6, 'Retail', 3, [n(9, 'Web', 4)])];
    expect(flattenTree(scoped).map((r) => r.path)).toEqual([['Retail'], ['Retail', 'Web']]);
  });
});

describe('nodesAtLevel', () => {
  it('picks the nodes of one level with their paths', () => {
    expect(nodesAtLevel(TREE, 3).map((r) => r.path.join(' / '))).toEqual([
      'North / Sales / Retail',
      'North / Ops / Infra',
      'South / R&D / Lab',
    ]);
    expect(nodesAtLevel(TREE, 5)).toEqual([]);
  });
});

describe('nameNodeIds', () => {
  it('replaces node ids in a server message by their paths', () => {
    expect(
      nameNodeIds(
        'node 7 has parent 4 but node 6 has parent 3; several nodes are allowed only when they share one parent',
        pathsById(TREE),
      ),
    ).toBe(
      'node “North › Ops › Infra” has parent “North › Ops” but node “North › Sales › Retail” has parent ' +
        '“North › Sales”; several nodes are allowed only when they share one parent',
    );
  });

  it('leaves unknown ids and other numbers alone', () => {
    expect(nameNodeIds('node 99 does not exist; level 3', pathsById(TREE))).toBe(
      'node 99 does not exist; level 3',
    );
  });
});

describe('expandedIds', () => {
  it('opens the nodes down to a depth, then applies what the user toggled', () => {
    expect([...expandedIds(TREE, 0, new Map())]).toEqual([1, 2]);
    expect([...expandedIds(TREE, -1, new Map())]).toEqual([]);
    expect([...expandedIds(TREE, Infinity, new Map())]).toEqual(branchIds(TREE));
    expect([
      ...expandedIds(
        TREE,
        0,
        new Map([
          [1, false],
          [3, true],
        ]),
      ),
    ]).toEqual([3, 2]);
  });

  it('opens a root that arrives later, like the others', () => {
    const grown = [...TREE, n(13, 'East', 1, [n(14, 'Ops', 2)])];
    expect(expandedIds(grown, 0, new Map()).has(13)).toBe(true);
  });
});
