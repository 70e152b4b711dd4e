import { describe, expect, it } from 'vitest';
import { formatReport } from '../../bench/report';
import { parseBenchArgs, runBenchmark } from '../../bench/run';
import { influxTestMode } from './harness/influxd';
import { binaryTestMode } from './harness/required-binary';

// The benchmark is a script that prints figures, not a timed test: this quick run only proves it
// still works end to end (every system, every scenario) and loses nothing at a low rate. It
// asserts no wall-time thresholds; those belong to a full run on a quiet machine.
const mode =
  influxTestMode() === 'run' && binaryTestMode('mosquitto', 'mosquitto') === 'run' ? 'run' : 'skip';

describe.skipIf(mode === 'skip')('benchmark smoke run (npm run bench -- --quick)', () => {
  it('produces every figure for every system, with zero loss at a low rate', async () => {
    const options = parseBenchArgs(['--quick']);
    if (options === 'help') throw new Error('unexpected help');
    const lines: string[] = [];
    const report = await runBenchmark(options, (line) => lines.push(line));

    expect(report.ingest.map((result) => result.system)).toEqual(['gridsense', 'aedes', 'node-red']);
    for (const result of report.ingest) {
      expect(result.best, `${result.system}: ${lines.join('\n')}`).toBe(300);
      for (const { step, verification } of result.steps) {
        expect(step.sent).toBe(step.planned);
        expect(step.acked).toBe(step.sent);
        expect(verification).toMatchObject({ stored: step.sent, lost: 0, seqMismatches: 0 });
      }
    }

    expect(report.latency).toHaveLength(1);
    const [latency] = report.latency;
    expect(latency?.timeouts).toBe(0);
    expect(latency?.samples).toBeGreaterThan(0);
    expect(Number.isFinite(latency?.p99Ms)).toBe(true);
    expect(latency?.load.acked).toBe(latency?.load.planned);

    expect(report.connections.map((result) => [result.system, result.connected, result.stillHeld])).toEqual([
      ['gridsense', 200, 200],
      ['aedes', 200, 200],
    ]);
    for (const result of report.connections) expect(Number.isFinite(result.rssPerConnectionBytes)).toBe(true);
    expect(report.influxLinesPerS).toBeGreaterThan(0);
    expect(report.machine.cores).toBeGreaterThan(0);

    // The crash scenario: each system's ingesting process killed mid-hold. GridSense's PUBACK
    // means stored, so nothing it acknowledged may be missing or stored twice.
    const crash = new Map(report.crash?.results.map((r) => [r.system, r]));
    expect(crash.get('gridsense')).toMatchObject({ lost: 0, duplicated: 0 });
    expect(crash.get('gridsense')?.acknowledged).toBe(crash.get('gridsense')?.sent);
    expect(crash.get('gridsense')?.stored).toBe(crash.get('gridsense')?.acknowledged);
    expect(crash.get('node-red')?.acknowledged).toBeGreaterThan(0);

    const text = formatReport(report);
    for (const heading of [
      '1/4. Highest zero-loss rate',
      '2. Alert latency',
      '3. Concurrent connections',
      'Crash: the ingesting process killed',
      'Targets',
    ])
      expect(text).toContain(heading);
  }, 360_000); // ~60 s on a quiet host, mostly starting influxd, GridSense, Mosquitto and Node-RED; headroom for a busy CI
});

// GridSense on its default store, without InfluxDB: the same search and the same count by seq,
// in the SQLite file of its data dir (runBenchmark still starts influxd, for the other systems).
describe.skipIf(influxTestMode() !== 'run')(
  'benchmark smoke run of the embedded store (npm run bench -- --quick --systems gridsense-embedded --only ingest)',
  () => {
    it('holds a low rate with every reading found in the SQLite store', async () => {
      const options = parseBenchArgs(['--quick', '--systems', 'gridsense-embedded', '--only', 'ingest']);
      if (options === 'help') throw new Error('unexpected help');
      const lines: string[] = [];
      const report = await runBenchmark(options, (line) => lines.push(line));

      expect(report.ingest.map((result) => result.system)).toEqual(['gridsense-embedded']);
      const [result] = report.ingest;
      expect(result?.best, lines.join('\n')).toBe(300);
      expect(result?.steps).toHaveLength(1);
      for (const { step, verification, cpu } of result?.steps ?? []) {
        expect(step.sent).toBe(step.planned);
        expect(step.acked).toBe(step.sent);
        expect(verification).toMatchObject({ stored: step.sent, lost: 0, seqMismatches: 0 });
        // No InfluxDB in this system: the shared influxd's CPU is not counted as its own.
        expect(Object.keys(cpu).sort()).toEqual(['gridsense', 'publisher', 'stolen']);
      }
      expect(report.latency).toEqual([]);
      expect(formatReport(report)).toContain('GridSense, embedded time series (SQLite, no InfluxDB)');
    }, 120_000);
  },
);
