/**
 * Reads a Chromium heap snapshot (HeapProfiler.takeHeapSnapshot, or DevTools → Memory → Save)
 * and lists the detached DOM it holds: each detached tree (a node flagged detached, with the
 * nodes under it), how many nodes of each kind, and for the largest trees the chain of references
 * from a GC root that keeps them alive, so a leak names its owner.
 */
import { readFile } from 'node:fs/promises';

export interface HeapSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface DetachedReport {
  /** Detached DOM nodes, the trees' roots and everything under them. */
  total: number;
  /** Detached trees (roots flagged detached by Blink). */
  trees: number;
  /** Nodes by name ("Text", "<div class=…>" …), most first. */
  byName: [string, number][];
  /** For the largest trees: its size and the path of references from a GC root to its root. */
  paths: string[][];
}

/** Names Blink gives DOM nodes in a snapshot (elements appear as their opening tag). */
const DOM_NAME = /^(<|Detached |Text$|Comment$|CDATASection$|DocumentFragment$|(HTML|SVG)\w*Element$)/;

export function findDetached(raw: HeapSnapshot, paths = 5): DetachedReport {
  const { meta } = raw.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const field = (name: string) => meta.node_fields.indexOf(name);
  const [nType, nName, nEdges, nDetached] = ['type', 'name', 'edge_count', 'detachedness'].map(field);
  const eType = meta.edge_fields.indexOf('type');
  const eName = meta.edge_fields.indexOf('name_or_index');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = raw.nodes.length / nf;
  const name = (i: number) => raw.strings[raw.nodes[i * nf + nName!]!]!;
  const isNative = (i: number) => nodeTypes[raw.nodes[i * nf + nType!]!] === 'native';
  // Blink flags a node 1 attached, 2 detached, 0 unknown (only nodes with a JS wrapper are
  // flagged: the children of a detached root are 0). Older snapshots name them "Detached …".
  const detachedness = (i: number) =>
    nDetached! >= 0 ? raw.nodes[i * nf + nDetached!]! : name(i).startsWith('Detached ') ? 2 : 0;

  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += raw.nodes[i * nf + nEdges!]! * ef;
  }
  firstEdge[count] = raw.edges.length;
  const strong = (e: number) => edgeTypes[raw.edges[e + eType]!] !== 'weak';
  const target = (e: number) => raw.edges[e + eTo]! / nf;

  // Each detached root's tree: the DOM nodes it reaches that are not attached.
  const inTree = new Uint8Array(count);
  const trees: { root: number; size: number }[] = [];
  const counts = new Map<string, number>();
  for (let root = 0; root < count; root++) {
    if (!isNative(root) || detachedness(root) !== 2 || inTree[root]) continue;
    let size = 0;
    const stack = [root];
    inTree[root] = 1;
    while (stack.length > 0) {
      const at = stack.pop()!;
      size++;
      counts.set(name(at), (counts.get(name(at)) ?? 0) + 1);
      for (let e = firstEdge[at]!; e < firstEdge[at + 1]!; e += ef) {
        const to = target(e);
        if (!strong(e) || inTree[to] || !isNative(to) || detachedness(to) === 1) continue;
        if (!DOM_NAME.test(name(to))) continue;
        inTree[to] = 1;
        stack.push(to);
      }
    }
    trees.push({ root, size });
  }
  trees.sort((a, b) => b.size - a.size);

  // Retainer paths only for the few largest trees: one backwards pass builds who points at whom.
  const explain = trees.slice(0, paths);
  let retainers: number[][] = [];
  const edgeLabel = new Map<string, string>();
  if (explain.length > 0) {
    retainers = Array.from({ length: count }, () => []);
    for (let i = 0; i < count; i++) {
      for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += ef) {
        if (!strong(e)) continue;
        const to = target(e);
        retainers[to]!.push(i);
        const type = edgeTypes[raw.edges[e + eType]!];
        const label =
          type === 'element' || type === 'hidden'
            ? `[${raw.edges[e + eName]}]`
            : raw.strings[raw.edges[e + eName]!];
        edgeLabel.set(`${i}>${to}`, label ?? '?');
      }
    }
  }
  /** Shortest path from the snapshot's root (node 0) to `goal`, walking retainers backwards. */
  const pathTo = (goal: number): string[] => {
    const next = new Map<number, number>([[goal, -1]]);
    const queue = [goal];
    for (let head = 0; head < queue.length && !next.has(0); head++) {
      const at = queue[head]!;
      for (const from of retainers[at]!) {
        if (next.has(from) || inTree[from]) continue;
        next.set(from, at);
        queue.push(from);
      }
    }
    if (!next.has(0)) return ['(no path from a GC root)'];
    const chain: string[] = [];
    for (let at = 0; ; at = next.get(at)!) {
      const to = next.get(at)!;
      if (to === -1) {
        chain.push(name(at));
        return chain;
      }
      chain.push(`${name(at).slice(0, 60)} -${edgeLabel.get(`${at}>${to}`)}->`);
    }
  };
  return {
    total: trees.reduce((sum, tree) => sum + tree.size, 0),
    trees: trees.length,
    byName: [...counts].sort((a, b) => b[1] - a[1]),
    paths: explain.map(({ root, size }) => [`(${size} nodes)`, ...pathTo(root)]),
  };
}

// `npx tsx tests/src/soak/heap-detached.ts FILE.heapsnapshot [paths]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const raw = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as HeapSnapshot;
  const report = findDetached(raw, Number(process.argv[3] ?? 5));
  console.log(`detached DOM: ${report.total} nodes in ${report.trees} trees`);
  for (const [n, c] of report.byName.slice(0, 15)) console.log(`  ${c}\t${n}`);
  for (const p of report.paths) console.log(`\n${p.join('\n  ')}`);
}
