/**
 * Baseline: Node-RED 4.1 (a child process) running bench/systems/node-red-flow.json against
 * Mosquitto and the same InfluxDB. Editor and HTTP nodes off: only the flow runs.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureMemory, serveParent } from '../lib/child';

export interface NodeRedArgs {
  mqttPort: number;
  influxPort: number;
  database: string;
}

interface NodeRedRuntime {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as NodeRedArgs;
const userDir = await mkdtemp(join(tmpdir(), 'gridsense-bench-nodered-'));
const template = await readFile(join(import.meta.dirname, 'node-red-flow.json'), 'utf8');
const flow = template
  .replaceAll('__MQTT_PORT__', String(args.mqttPort))
  .replaceAll('__INFLUX_PORT__', String(args.influxPort))
  .replaceAll('__DATABASE__', args.database);
await writeFile(join(userDir, 'flows.json'), flow);

const RED = createRequire(import.meta.url)('node-red') as NodeRedRuntime;
const server = http.createServer();
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
RED.init(server, {
  userDir,
  flowFile: 'flows.json',
  httpAdminRoot: false,
  httpNodeRoot: false,
  disableEditor: true,
  credentialSecret: false,
  externalModules: { autoInstall: false },
  logging: { console: { level: 'warn', metrics: false, audit: false } },
});
await RED.start();

serveParent({ pid: process.pid }, { memory: measureMemory }, async () => {
  await RED.stop();
  await new Promise<void>((done) => server.close(() => done()));
  await rm(userDir, { recursive: true, force: true });
});
