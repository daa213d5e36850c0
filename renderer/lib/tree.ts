import type { AgencyNode } from '../../api/contract';

export interface TreeOption {
  value: string;
  title: string;
  children: TreeOption[];
}

/** Agencies as a tree (province > city > county), children in code order. */
export function agencyTree(agencies: readonly AgencyNode[]): TreeOption[] {
  const byCode = new Map(agencies.map((a) => [a.code, { value: a.code, title: a.name, children: [] as TreeOption[] }]));
  const roots: TreeOption[] = [];
  for (const a of [...agencies].sort((x, y) => x.code.localeCompare(y.code))) {
    const node = byCode.get(a.code)!;
    const parent = a.parentCode ? byCode.get(a.parentCode) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Agencies in tree order (each parent before its children) with their depth. */
export function treeOrder(agencies: readonly AgencyNode[]): { agency: AgencyNode; depth: number }[] {
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const out: { agency: AgencyNode; depth: number }[] = [];
  const walk = (nodes: TreeOption[], depth: number) => {
    for (const n of nodes) {
      out.push({ agency: byCode.get(n.value)!, depth });
      walk(n.children, depth + 1);
    }
  };
  walk(agencyTree(agencies), 0);
  return out;
}
