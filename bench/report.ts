/** The benchmark's figures as text (what `npm run bench` prints) and as one JSON object. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { ConnectionsResult } from './scenarios/connections';
import { formatCrash, type CrashPlan, type CrashResult } from './scenarios/crash';
import { formatCpu, type IngestResult } from './scenarios/ingest';
import type { LatencyLevel } from './scenarios/latency';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  influxd: string;
  mosquitto: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  /** What the hypervisor took from this machine over the run, as a share of one core. */
  stolenShare: number;
}

export interface BenchReport {
  mode: string;
  command: string;
  startedAt: string;
  durationS: number;
  machine: Machine;
  publishers: number;
  ingest: IngestResult[];
  latency: LatencyLevel[];
  connections: ConnectionsResult[];
  influxLinesPerS: number | undefined;
  /** The crash scenario, when it ran: acknowledged readings lost to a SIGKILL, per system. */
  crash?: { plan: CrashPlan; results: CrashResult[] };
  targets: { name: string; value: string; met: boolean | undefined }[];
}

/** First line a tool prints about itself (`mosquitto -h` exits non-zero, so the status is ignored). */
function firstLine(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) return `${command} not installed`;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() ?? '';
}

export function describeMachine(
  loadAverageAtStart: number[],
  stolen: { ms: number; wallMs: number },
): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    influxd: firstLine('influxd', ['version']),
    mosquitto: firstLine('mosquitto', ['-h']),
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg(),
    stolenShare: stolen.ms / stolen.wallMs,
  };
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

/**
 * The performance issue's targets, judged from this run's figures (undefined: not measured in this
 * run). Both ratios compare rates held 60 s with zero loss in the same run, by the same generator.
 */
export function judgeTargets(report: Omit<BenchReport, 'targets'>): BenchReport['targets'] {
  const best = (name: string) => report.ingest.find((r) => r.system === name)?.best;
  const [gridsense, aedes, nodeRed] = [best('gridsense'), best('aedes'), best('node-red')];
  const atHalf = report.latency.find((l) => l.fraction === 0.5);
  const conn = report.connections.find((c) => c.system === 'gridsense');
  const crash = report.crash?.results.find((r) => r.system === 'gridsense');
  const ratio = (of: number | undefined, to: number | undefined, times: number) =>
    of === undefined || to === undefined
      ? { value: '–', met: undefined }
      : { value: `${fmt(of / to, 2)}×`, met: of >= times * to };
  return [
    { name: '≥ 2.0× the Node-RED stack, zero loss, PUBACK after durable', ...ratio(gridsense, nodeRed, 2) },
    { name: '≥ 1.5× raw aedes QoS 1 pass-through', ...ratio(gridsense, aedes, 1.5) },
    {
      name: 'alert p99 ≤ 50 ms at 50 % of the best rate',
      value: `${fmt(atHalf?.p99Ms, 1)} ms`,
      met: atHalf ? atHalf.p99Ms <= 50 : undefined,
    },
    {
      name: 'heap per idle device connection ≤ 8 KiB',
      value: conn ? `${fmt(conn.heapPerConnectionBytes / 1024, 1)} KiB (${fmt(conn.connected)} held)` : '–',
      met: conn ? conn.heapPerConnectionBytes <= 8 * 1024 : undefined,
    },
    {
      name: 'crash: 0 acknowledged readings lost',
      value: crash ? `${fmt(crash.lost)} of ${fmt(crash.acknowledged)}` : '–',
      met: crash ? crash.lost === 0 : undefined,
    },
  ];
}

export function formatReport(report: BenchReport): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`GridSense benchmark (${report.mode}) — ${report.startedAt}, ${fmt(report.durationS, 1)} s`);
  lines.push(
    `  ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}, Node ${m.node}, ${m.influxd}, ${m.mosquitto}`,
  );
  lines.push(
    `  load average at start ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')}; ` +
      `CPU stolen by the hypervisor ${fmt(m.stolenShare * 100)} % of one core`,
  );
  lines.push(`  command: ${report.command}`);
  if (report.ingest.length > 0) {
    lines.push(
      '',
      `1/4. Highest zero-loss rate (QoS 1, 4 metrics per message, ${report.publishers} publisher connections, paced)`,
    );
    for (const r of report.ingest) {
      const held =
        r.best === undefined ? 'no rate held' : `${fmt(r.best)} msg/s held ${r.bestHoldMs / 1000} s`;
      const short = r.bestShortHold !== r.best ? ` (${fmt(r.bestShortHold)} msg/s in short steps)` : '';
      lines.push(`  ${r.label.padEnd(70)} ${held}${short}`);
      for (const s of r.steps) {
        const st = s.step;
        lines.push(
          `      ${fmt(s.rate).padStart(7)} msg/s × ${s.holdMs / 1000} s  ${s.passed ? 'ok  ' : 'FAIL'}  sent ${st.sent}  stored ${s.verification.stored}` +
            `  ack p50/p99 ${fmt(st.ackP50Ms, 1)}/${fmt(st.ackP99Ms, 1)} ms  CPU ${formatCpu(s.cpu)}` +
            (s.passed ? '' : `  — ${s.why.join(', ')}`),
        );
      }
    }
  }
  if (report.latency.length > 0) {
    lines.push('', '2. Alert latency, publish → case:updated in the assignee’s socket.io room');
    for (const l of report.latency)
      lines.push(
        `  ${String(Math.round(l.fraction * 100)).padStart(3)} % (${fmt(l.rate)} msg/s): p50 ${fmt(l.p50Ms, 1)} ms  p95 ${fmt(l.p95Ms, 1)} ms  p99 ${fmt(l.p99Ms, 1)} ms  max ${fmt(l.maxMs, 1)} ms` +
          `  (${l.samples} probes, ${l.timeouts} timeouts; load sent ${l.load.sent}/${l.load.planned}, acked ${l.load.acked})`,
      );
  }
  if (report.connections.length > 0) {
    lines.push('', '3. Concurrent connections');
    for (const c of report.connections)
      lines.push(
        `  ${c.system.padEnd(10)} ${fmt(c.connected)}/${fmt(c.target)} held (${c.stillHeld} still open after the hold) from ${c.sources.join(', ')}` +
          `; ${fmt(c.connectsPerS)} connects/s; +${fmt(c.rssPerConnectionBytes / 1024, 1)} KiB RSS, +${fmt(c.heapPerConnectionBytes / 1024, 1)} KiB heap per connection;` +
          ` RSS ${mib(c.before.rss)} → ${mib(c.after.rss)}; 100k projected ${mib(c.projected100kBytes)}` +
          (c.cappedBy ? `; capped by ${c.cappedBy}` : '') +
          (c.failed ? `; ${c.failed} failed: ${c.firstError}` : ''),
      );
  }
  if (report.influxLinesPerS !== undefined)
    lines.push('', `InfluxDB alone, one writer, 5,000-line batches: ${fmt(report.influxLinesPerS)} lines/s`);
  if (report.crash) lines.push('', formatCrash(report.crash.results, report.crash.plan));
  lines.push('', 'Targets');
  for (const t of report.targets)
    lines.push(`  ${t.met === undefined ? '  –  ' : t.met ? ' met ' : ' NOT '} ${t.name}: ${t.value}`);
  return lines.join('\n');
}
