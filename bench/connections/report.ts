/** The connection bench's figures as text: one line per node and per generator, then totals. */
import type { ConnectionBenchReport } from './run';

const KiB = 1024;
const MiB = 1024 * 1024;
const kib = (bytes: number) => `${(bytes / KiB).toFixed(2)} KiB`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');

export function formatConnectionReport(report: ConnectionBenchReport): string {
  const { totals, machine, options } = report;
  const lines = [
    `Connections: ${options.devices} idle devices over ${report.nodes.length} broker node(s), ${report.generators.length} generator(s)`,
    `${report.startedAt}; ${machine.cpus} × ${machine.cpuModel}, ${machine.memGiB} GiB, Node ${machine.node}; open-file limit ${machine.openFileLimit}`,
    `load average at start ${load(report.loadAverage.start)}, at end ${load(report.loadAverage.end)}`,
    `CONNECT clean=false + last will, keepalive ${options.keepaliveS} s${options.subscribe ? ', SUBSCRIBE QoS 1 to its own command topic' : ''}; ${options.perAddress} per source address`,
    '',
    `established ${totals.connected} of ${totals.attempted} in ${(totals.connectMs / 1000).toFixed(1)} s (${totals.connectsPerS.toFixed(0)} connects/s); ` +
      `subscribed ${totals.subscribed}; refused ${JSON.stringify(totals.refused)}; failed ${totals.failed}; ` +
      `still open after the hold ${totals.stillOpen}, dropped ${totals.dropped}`,
    `device auth: salted SHA-256 per CONNECT, no cache: ${report.auth.verifyMicros.toFixed(2)} µs a check`,
    `registry of ${report.registry.devices}: built in ${(report.registry.insertMs / 1000).toFixed(1)} s; ` +
      `a full load (each node's first, then every 60th reload) ${report.registry.loadMs.toFixed(0)} ms, ${mib(report.registry.reloadHeapBytes)} of heap`,
    '',
    'node       conns   heap before→after   heap/conn   RSS before→after   RSS/conn    external/conn  idle CPU',
  ];
  for (const node of report.nodes)
    lines.push(
      [
        node.name.padEnd(9),
        String(node.connections).padStart(6),
        `${mib(node.before.heapUsed)}→${mib(node.after.heapUsed)}`.padStart(18),
        kib(node.heapPerConnection).padStart(11),
        `${mib(node.before.rss)}→${mib(node.after.rss)}`.padStart(18),
        kib(node.rssPerConnection).padStart(11),
        kib(node.externalPerConnection).padStart(14),
        `${(node.idleCpuShare * 100).toFixed(1)} %`.padStart(9),
      ].join(' '),
    );
  lines.push('', 'generator  conns   connects/s   RSS      RSS/conn   open-file limit');
  report.generators.forEach((g, i) =>
    lines.push(
      [
        `gen-${i + 1}`.padEnd(9),
        String(g.connected).padStart(6),
        ((g.connected * 1000) / g.connectMs).toFixed(0).padStart(12),
        mib(g.status.rss).padStart(8),
        kib(g.status.rss / Math.max(1, g.connected)).padStart(10),
        String(g.status.openFileLimit).padStart(16),
      ].join(' '),
    ),
  );
  const failures = report.generators.map((g) => g.firstFailure).filter(Boolean);
  if (failures.length > 0) lines.push('', `first failures: ${failures.join('; ')}`);
  return lines.join('\n');
}
