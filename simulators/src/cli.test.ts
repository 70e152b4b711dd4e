import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultSteps, parseCliArgs } from './cli';

const REPO = resolve(import.meta.dirname, '../..');

describe('simulator CLI arguments', () => {
  it.each([
    [[], /--devices or --data-dir/],
    [['--devices', 'a.json', '--data-dir', 'data'], /--devices or --data-dir/],
    [['--devices', 'a.json', '--seed', '1.5'], /--seed must be an integer/],
    [['--devices', 'a.json', '--risk', '2'], /--risk must be a number in 0–1/],
    [['--devices', 'a.json', '--fault', 'gremlins'], /--fault gremlins: kinds are/],
    [['--devices', 'a.json', '--start', 'yesterday'], /--start "yesterday" is not a time/],
    [['--devices', 'a.json', '--bogus'], /Unknown option/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('reads provisioning, scenario, faults, seed, speed and start', () => {
    const options = parseCliArgs([
      '--data-dir',
      './data',
      '--scenario',
      'fire-in-grid',
      '--fault',
      'spike:10',
      '--fault',
      'reconnect_storm',
      '--seed',
      '7',
      '--speed',
      '60',
      '--start',
      '2026-11-22T08:00:00+08:00',
    ]);
    expect(options).toMatchObject({
      dataDir: './data',
      scenario: 'fire-in-grid',
      faults: [
        { kind: 'spike', everyN: 10 },
        { kind: 'reconnect_storm', everyN: 30 },
      ],
      simulation: { seed: 7, speed: 60, startMs: Date.parse('2026-11-22T00:00:00Z') },
    });
    expect(parseCliArgs(['--help'])).toBe('help');
    expect(parseCliArgs(['--list'])).toBe('list');
    expect(faultSteps([{ kind: 'malformed_json', everyN: 5 }])).toEqual([
      {
        atMs: 0,
        target: {},
        do: 'fault',
        fault: 'malformed_json',
        forMs: Number.POSITIVE_INFINITY,
        everyN: 5,
        skewMs: 600_000,
      },
    ]);
  });
});

describe('simulator CLI run', () => {
  let broker: Aedes;
  let server: Server;
  let dir: string;
  const received: string[] = [];

  beforeAll(async () => {
    const { Aedes } = await import('aedes');
    broker = await Aedes.createBroker();
    broker.on('publish', (packet, client) => {
      if (client && packet.topic.endsWith('/telemetry'))
        received.push(Buffer.from(packet.payload).toString());
    });
    server = createServer(broker.handle);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    dir = await mkdtemp(join(tmpdir(), 'gridsense-sim-cli-'));
  });

  afterAll(async () => {
    await new Promise<void>((done) => broker.close(() => done()));
    await new Promise<void>((done) => server.close(() => done()));
    await rm(dir, { recursive: true, force: true });
  });

  it('plays a scenario file to its end and prints a JSON summary with the fault counts', async () => {
    const devices = [
      { id: 'smoke-A1-1', gridId: 'A1', type: 'smoke_detector', secret: 'x' },
      { id: 'water-A1-2', gridId: 'A1', type: 'water_level', secret: 'y' },
    ];
    const scenario = {
      name: 'tiny',
      interval: '100ms',
      duration: '1500ms',
      steps: [{ at: '0s', do: 'set', target: { types: ['water_level'] }, metrics: { level: 1.7 } }],
    };
    await writeFile(join(dir, 'devices.json'), JSON.stringify(devices));
    await writeFile(join(dir, 'tiny.json'), JSON.stringify(scenario));
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const args = [
      '--import',
      'tsx',
      'simulators/src/cli.ts',
      '--url',
      url,
      '--devices',
      join(dir, 'devices.json'),
    ];
    args.push('--scenario', join(dir, 'tiny.json'), '--fault', 'duplicate_seq:5', '--seed', '3');
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, args, { cwd: REPO, timeout: 15_000 }, (error, out, err) =>
        error ? fail(new Error(`${error.message}\n${err}`)) : done(out),
      ),
    );
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ scenario: 'tiny', seed: 3, devices: 2, connected: 2, errors: 0 });
    const sent = Number(summary.sent);
    expect(sent).toBeGreaterThanOrEqual(20); // 2 devices × ~15 ticks, plus duplicates
    expect(summary.acked).toBe(sent);
    expect(summary.faults).toEqual({ duplicate_seq: expect.any(Number) as number });
    const waterLevels = received
      .map((payload) => JSON.parse(payload) as { metrics: Record<string, number> })
      .flatMap((body) => (body.metrics.level === undefined ? [] : [body.metrics.level]));
    expect(new Set(waterLevels)).toEqual(new Set([1.7]));
  });
});
