/**
 * Where a heap snapshot's bytes are, by constructor (or node type for strings, closures, arrays…):
 * `tsx bench/connections/heap-summary.ts SNAPSHOT [--per N]` prints the largest groups, and with
 * --per the bytes per connection each costs when the broker holds N idle connections.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export function summarizeHeap(path: string): { name: string; count: number; bytes: number }[] {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt!]!]!;
    const name = data.strings[data.nodes[i + nameAt!]!]!;
    // Objects by constructor, closures by function name, the rest by their kind.
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `closure ${name || '(anonymous)'}`
          : `(${type})`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += data.nodes[i + sizeAt!]!;
    groups.set(key, group);
  }
  return [...groups].map(([name, g]) => ({ name, ...g })).sort((a, b) => b.bytes - a.bytes);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { per: { type: 'string' }, top: { type: 'string' } },
  });
  const per = values.per ? Number(values.per) : undefined;
  const rows = summarizeHeap(positionals[0] ?? '').slice(0, Number(values.top ?? 40));
  for (const row of rows)
    console.log(
      [
        row.name.slice(0, 48).padEnd(48),
        String(row.count).padStart(9),
        `${(row.bytes / 1024).toFixed(0)} KiB`.padStart(12),
        per ? `${(row.bytes / per).toFixed(0)} B/conn`.padStart(14) : '',
        per ? `${(row.count / per).toFixed(2)}/conn`.padStart(11) : '',
      ].join(' '),
    );
}
