// The budget hierarchy as the server sends it (nested, rolled up) turned into the rows a
// table shows: depth-first, children only below expanded nodes.
export interface TreeNodeLike<N extends TreeNodeLike<N>> {
  id: number;
  name: string;
  level: number;
  children: N[];
}

export interface TreeRow<N> {
  node: N;
  depth: number;
  /** Names from the top of the caller's tree down to this node, itself included. */
  path: string[];
  hasChildren: boolean;
  expanded: boolean;
}

/** The rows to show: every root, and the children of expanded nodes. */
export function visibleRows<N extends TreeNodeLike<N>>(
  roots: readonly N[],
  expanded: ReadonlySet<number>,
): TreeRow<N>[] {
  const rows: TreeRow<N>[] = [];
  const walk = (nodes: readonly N[], depth: number, above: string[]) => {
    for (const node of nodes) {
      const path = [...above, node.name];
      const isOpen = expanded.has(node.id);
      rows.push({ node, depth, path, hasChildren: node.children.length > 0, expanded: isOpen });
      if (isOpen) walk(node.children, depth + 1, path);
    }
  };
  walk(roots, 0, []);
  return rows;
}

/** Every node in the tree, depth-first, each with its path. */
export function flattenTree<N extends TreeNodeLike<N>>(roots: readonly N[]): TreeRow<N>[] {
  return visibleRows(roots, new Set(branchIds(roots)));
}

/** Ids of the nodes that have children: "expand all". */
export function branchIds<N extends TreeNodeLike<N>>(roots: readonly N[]): number[] {
  const ids: number[] = [];
  const walk = (nodes: readonly N[]) => {
    for (const node of nodes) {
      if (node.children.length > 0) {
        ids.push(node.id);
        walk(node.children);
      }
    }
  };
  walk(roots);
  return ids;
}

/** Which nodes are open: those down to `openDepth` (0 = the roots; -1 = none), except the
 * ones the user toggled. Nodes that arrive later (a refetch) follow the same rule. */
export function expandedIds<N extends TreeNodeLike<N>>(
  roots: readonly N[],
  openDepth: number,
  toggled: ReadonlyMap<number, boolean>,
): Set<number> {
  return new Set(
    flattenTree(roots)
      .filter((row) => row.hasChildren && (toggled.get(row.node.id) ?? row.depth <= openDepth))
      .map((row) => row.node.id),
  );
}

/** The nodes at one level (1 = top), each with its path: what a scope can be mapped to. */
export function nodesAtLevel<N extends TreeNodeLike<N>>(roots: readonly N[], level: number): TreeRow<N>[] {
  return flattenTree(roots).filter((row) => row.node.level === level);
}

/** The server names nodes by id in some messages ("node 6 has parent 3 …"); with the tree at
 * hand they read better as paths. Ids not in the tree stay as they are. */
export function nameNodeIds(message: string, pathOf: ReadonlyMap<number, readonly string[]>): string {
  return message.replace(/\b(node|parent) (\d+)\b/g, (whole, word: string, id: string) => {
    const path = pathOf.get(Number(id));
    return path ? `${word} “${path.join(' › ')}”` : whole;
  });
}

/** Every node's path by id. */
export function pathsById<N extends TreeNodeLike<N>>(roots: readonly N[]): Map<number, string[]> {
  return new Map(flattenTree(roots).map((row) => [row.node.id, row.path]));
}
