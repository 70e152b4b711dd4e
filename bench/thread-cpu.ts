/**
 * CPU per thread of a running process (`/proc/<pid>/task/*`), sampled over a window: which
 * thread of GridSense (the broker's loop, ingest's worker, V8's helpers) spent what.
 * `tsx bench/thread-cpu.ts <pid> <seconds>` prints one line per busy thread.
 */
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_S = 100;

async function sample(pid: number): Promise<Map<string, { name: string; ticks: number }>> {
  const threads = new Map<string, { name: string; ticks: number }>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}

const pid = Number(process.argv[2]);
const seconds = Number(process.argv[3] ?? 10);
if (!Number.isInteger(pid) || !(seconds > 0)) throw new Error('usage: thread-cpu.ts <pid> <seconds>');
const before = await sample(pid);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const after = await sample(pid);
const rows = [...after].map(([tid, { name, ticks }]) => ({
  tid,
  name: tid === String(pid) ? `${name} (main)` : name,
  share: (ticks - (before.get(tid)?.ticks ?? ticks)) / TICKS_PER_S / seconds,
}));
for (const row of rows.filter((r) => r.share >= 0.01).sort((a, b) => b.share - a.share))
  console.log(`${row.tid}\t${row.name}\t${(row.share * 100).toFixed(1)} %`);
