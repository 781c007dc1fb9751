export interface TreeNode<T> {
  value: string | number;
  label: string;
  data: T;
  children: TreeNode<T>[];
}

/**
 * Builds a tree from a flat list by parent key. Items whose parent is not in the list become roots:
 * a user scoped to a town sees that town as the top of the tree.
 */
export function buildTree<T, K extends string | number>(
  items: readonly T[],
  key: (item: T) => K,
  parentKey: (item: T) => K | null,
  label: (item: T) => string,
  order: (a: T, b: T) => number = () => 0,
): TreeNode<T>[] {
  const nodes = new Map<K, TreeNode<T>>();
  const sorted = [...items].sort(order);
  for (const item of sorted) nodes.set(key(item), { value: key(item), label: label(item), data: item, children: [] });
  const roots: TreeNode<T>[] = [];
  for (const item of sorted) {
    const node = nodes.get(key(item))!;
    const parent = parentKey(item);
    const parentNode = parent === null ? undefined : nodes.get(parent);
    (parentNode ? parentNode.children : roots).push(node);
  }
  return roots;
}
