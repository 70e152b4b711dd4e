import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux everywhere that matters). */
const TICKS_PER_S = 100;

/** CPU time (user + system) a process has used so far, in ms; NaN when it cannot be read. */
export function readCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time the hypervisor gave to other guests while this machine wanted it ("steal" in
 * /proc/stat, all cores), in ms; NaN off Linux. A shared host's figures are low when it is high.
 */
export function readStolenMs(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/) ?? [];
    return (Number(cpu[8]) * 1000) / TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/**
 * Measures the share of one core each process (or group of processes, summed: PostgreSQL's
 * postmaster and backends) used between start() and the returned stop(), and as `stolen` the share
 * the hypervisor took from this machine meanwhile. A group member that ends meanwhile (a pooled
 * connection closed) drops out of its group's figure instead of making it unreadable.
 */
export function startCpuMeter(pids: Record<string, number | number[]>): () => Record<string, number> {
  const startedAt = performance.now();
  const before = Object.entries(pids).map(([name, group]) => ({
    name,
    single: !Array.isArray(group),
    members: [group].flat().map((pid) => ({ pid, ms: readCpuMs(pid) })),
  }));
  const stolenBefore = readStolenMs();
  return () => {
    const wallMs = performance.now() - startedAt;
    const used = (members: { pid: number; ms: number }[], single: boolean) => {
      const deltas = members.map(({ pid, ms }) => readCpuMs(pid) - ms);
      return single ? (deltas[0] ?? Number.NaN) : deltas.filter(Number.isFinite).reduce((a, b) => a + b, 0);
    };
    return {
      ...Object.fromEntries(
        before.map(({ name, single, members }) => [name, used(members, single) / wallMs]),
      ),
      stolen: (readStolenMs() - stolenBefore) / wallMs,
    };
  };
}

/** Every process now running: pid, command name and parent pid, from /proc. */
function listProcesses(): { pid: number; name: string; ppid: number }[] {
  const processes: { pid: number; name: string; ppid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      processes.push({ pid: Number(entry), name, ppid });
    } catch {
      // The process ended while we looked.
    }
  }
  return processes;
}

/** The pids of `parent`'s child processes (a PostgreSQL postmaster's backends). */
export function findChildPids(parent: number): number[] {
  return listProcesses()
    .filter((p) => p.ppid === parent)
    .map((p) => p.pid);
}

/** The pid of this process's child running `command` (e.g. influxd), if there is one. */
export function findChildPid(command: string): number | undefined {
  return listProcesses().find((p) => p.name === command && p.ppid === process.pid)?.pid;
}
