import { startSimulation } from '@gridsense/simulators';
import { randomBytes } from 'node:crypto';
import { startCluster } from './start-cluster';

/**
 * `npm run cluster`: a small real GridSense cluster on this machine (start-cluster.ts) with the
 * demo district's simulated devices spread over both broker nodes, until Ctrl-C.
 */
const password = process.env.GRIDSENSE_DEMO_PASSWORD || randomBytes(9).toString('base64url');
console.log('Starting PostgreSQL, Redis, InfluxDB, two broker nodes, alerts and two web nodes …');
const cluster = await startCluster({ demoPassword: password, logLevel: process.env.LOG_LEVEL ?? 'warn' });

// Each device talks to one node, as a TCP load balancer in front of the nodes would spread them.
const simulations = cluster.brokers.map((node, index) =>
  startSimulation({
    url: node.mqttUrl,
    devices: cluster.devices.filter((_, i) => i % cluster.brokers.length === index),
    intervalMs: 5_000,
    riskProbability: 0.001,
    log: () => undefined,
  }),
);
// One early fire alarm, so the console shows a case within seconds.
const smoke = cluster.devices.findIndex((d) => d.type === 'smoke_detector');
const early = setTimeout(
  () => simulations[smoke % simulations.length]?.triggerRisk(cluster.devices[smoke]!.id),
  8_000,
);

const [one, two] = cluster.brokers;
const [webOne, webTwo] = cluster.web;
console.log(`
GridSense cluster is up (every service's data in a temp dir, removed on exit)
  console, web node 1:   ${webOne.httpUrl}/
  console, web node 2:   ${webTwo.httpUrl}/
  broker node 1:         ${one.mqttUrl}   (its own console: ${one.httpUrl}/)
  broker node 2:         ${two.mqttUrl}   (its own console: ${two.httpUrl}/)
  PostgreSQL:            ${cluster.databaseUrl}
  Redis:                 ${cluster.redis.url}
  InfluxDB:              ${cluster.influx.url} (database ${cluster.influxDatabase})
  simulated devices:     ${cluster.devices.length}, half on each broker node
  demo logins:           op1, worker01, admin, … password ${password}
Ctrl-C stops everything.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearTimeout(early);
  await Promise.all(simulations.map((simulation) => simulation.stop()));
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
