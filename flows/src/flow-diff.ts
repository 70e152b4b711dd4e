/** What a deploy changed, counted by node type (tabs and config nodes count as nodes too). */
export interface FlowDiff {
  /** Nodes in the flows after the deploy. */
  nodes: number;
  added: Record<string, number>;
  removed: Record<string, number>;
  changed: Record<string, number>;
}

interface FlowNode {
  id?: unknown;
  type?: unknown;
  [key: string]: unknown;
}

/** Where a node sits on the canvas: moving a node is not a change to what it does. */
const LAYOUT_KEYS = new Set(['x', 'y', 'w', 'h']);

const typeOf = (node: FlowNode): string => (typeof node.type === 'string' ? node.type : 'unknown');

function byId(flows: readonly unknown[]): Map<string, FlowNode> {
  const nodes = new Map<string, FlowNode>();
  for (const node of flows)
    if (typeof node === 'object' && node !== null && typeof (node as FlowNode).id === 'string')
      nodes.set((node as FlowNode).id as string, node as FlowNode);
  return nodes;
}

function withoutLayout(node: FlowNode): string {
  const entries = Object.entries(node).filter(([key]) => !LAYOUT_KEYS.has(key));
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function count(into: Record<string, number>, node: FlowNode): void {
  const type = typeOf(node);
  into[type] = (into[type] ?? 0) + 1;
}

/** Compares two flow files by node id: added, removed, and changed in anything but layout. */
export function diffFlows(before: readonly unknown[], after: readonly unknown[]): FlowDiff {
  const old = byId(before);
  const next = byId(after);
  const diff: FlowDiff = { nodes: next.size, added: {}, removed: {}, changed: {} };
  for (const [id, node] of next) {
    const previous = old.get(id);
    if (!previous) count(diff.added, node);
    else if (withoutLayout(previous) !== withoutLayout(node)) count(diff.changed, node);
  }
  for (const [id, node] of old) if (!next.has(id)) count(diff.removed, node);
  return diff;
}
